// Networking: the mode, the one endpoint Engine API 1.41 takes at create time, the endpoints
// connected afterwards, and legacy links.
import type Dockerode from 'dockerode';
import { ServiceError } from '../errors.js';
import type { Service } from '../model/types.js';

export interface NetworkInput {
  service: Service;
  containerName: string;
  networks: Record<string, { name: string; external?: boolean }>;
  containerOf: (service: string) => string;
  containerNamesOf: (service: string) => string[];
}

export interface NetworkSettings {
  NetworkMode: string;
  NetworkDisabled?: boolean;
  /** Container-wide: before API 1.44 the engine takes the MAC address only here, for the first network. */
  MacAddress?: string;
  Links?: string[];
  NetworkingConfig?: { EndpointsConfig: Dockerode.EndpointsConfig };
  connectAfterCreate: { network: string; endpoint: Dockerode.EndpointSettings }[];
}

/** `service:x` -> `container:<x's container>`, for network_mode, ipc and pid; other modes pass through. */
export function namespaceMode(mode: string | undefined, containerOf: (service: string) => string): string | undefined {
  const prefix = 'service:';
  return mode?.startsWith(prefix) ? `container:${containerOf(mode.slice(prefix.length))}` : mode;
}

export function networkSettings(input: NetworkInput): NetworkSettings {
  const { service } = input;
  const Links = legacyLinks(input);
  if (service.network_mode) {
    // "disabled" is not an engine mode: the engine skips networking when NetworkDisabled is set.
    const disabled = service.network_mode === 'disabled';
    return {
      NetworkMode: disabled ? 'none' : namespaceMode(service.network_mode, input.containerOf)!,
      NetworkDisabled: disabled || undefined,
      MacAddress: service.mac_address,
      Links,
      connectAfterCreate: [],
    };
  }

  const keys = networksByPriority(service);
  if (!keys.length) {
    if (!input.networks.default)
      return { NetworkMode: 'none', MacAddress: service.mac_address, connectAfterCreate: [] };
    keys.push('default');
  }
  const attached = keys.map((key) => ({
    key,
    network: engineNetwork(input, key),
    endpoint: endpoint(input, key, Links),
  }));
  const [primary, ...rest] = attached;
  return {
    NetworkMode: primary.network,
    MacAddress: macAddress(
      service,
      primary.key,
      rest.map((a) => a.key),
    ),
    Links,
    NetworkingConfig: { EndpointsConfig: { [primary.network]: primary.endpoint } },
    connectAfterCreate: rest.map(({ network, endpoint }) => ({ network, endpoint })),
  };
}

/** Highest priority first, then by key, as Compose orders them. */
function networksByPriority(service: Service): string[] {
  const priority = (key: string) => service.networks?.[key]?.priority ?? 0;
  return Object.keys(service.networks ?? {}).sort((a, b) => priority(b) - priority(a) || (a < b ? -1 : a > b ? 1 : 0));
}

function engineNetwork(input: NetworkInput, key: string): string {
  const network = input.networks[key];
  if (!network) throw new ServiceError('reference', input.service.name, `refers to undefined network "${key}"`);
  return network.name;
}

function endpoint(input: NetworkInput, key: string, links: string[] | undefined): Dockerode.EndpointSettings {
  const config = input.service.networks?.[key] ?? undefined;
  const addressed = config && (config.ipv4_address || config.ipv6_address || config.link_local_ips?.length);
  return {
    // The service name is what other services resolve; the container name is added as Compose does.
    Aliases: [...new Set([input.containerName, input.service.name, ...(config?.aliases ?? [])])],
    Links: links,
    IPAMConfig: addressed
      ? { IPv4Address: config.ipv4_address, IPv6Address: config.ipv6_address, LinkLocalIPs: config.link_local_ips }
      : undefined,
    DriverOpts: config?.driver_opts,
  };
}

function macAddress(service: Service, primary: string, others: string[]): string | undefined {
  const onPrimary = service.networks?.[primary]?.mac_address;
  if (service.mac_address && onPrimary && service.mac_address !== onPrimary) {
    throw new ServiceError('usage', service.name, `mac_address differs from networks.${primary}.mac_address`);
  }
  const elsewhere = others.filter((key) => service.networks?.[key]?.mac_address);
  if (elsewhere.length) {
    throw new ServiceError(
      'usage',
      service.name,
      `a MAC address on a network other than the first (${elsewhere.join(', ')}) needs Engine API 1.44`,
    );
  }
  return service.mac_address ?? onPrimary;
}

/**
 * `links` as "container:alias", one per container of the linked service, by name (the engine
 * cannot resolve a link by container ID), as Compose writes them; `external_links` as written.
 */
function legacyLinks(input: NetworkInput): string[] | undefined {
  const split = (entry: string) => {
    const [name, alias = name] = entry.split(':');
    return { name, alias };
  };
  const links = [
    ...(input.service.links ?? []).flatMap((entry) => {
      const { name, alias } = split(entry);
      return input.containerNamesOf(name).map((container) => `${container}:${alias}`);
    }),
    ...(input.service.external_links ?? []).map((entry) => {
      const { name, alias } = split(entry);
      return `${name}:${alias}`;
    }),
  ];
  return links.length ? links : undefined;
}
