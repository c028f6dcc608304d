// What every container berth creates has in common, for a service's replicas and for one-off
// (`run`) containers alike: Compose's labels, `service:x` references resolved to containers,
// and creation with its extra networks and generated files in place.
import type Docker from 'dockerode';
import { BerthError, engineMessage, ServiceError } from '../errors.js';
import { implicitDependencies } from '../loader/normalize.js';
import { encodeConfigLabel } from '../model/config-label.js';
import { hashedServiceConfig, serviceConfigHash } from '../model/hash.js';
import { BerthLabel, Label, projectLabels } from '../model/labels.js';
import type { LoadedProject, Service } from '../model/types.js';
import type { Engine } from './connect.js';
import type { ContainerSpec } from './convert.js';
import { containerCreateRequest } from './request-body.js';
import { tarArchive } from './tar.js';

/** The labels Compose puts on a container; `oneoff` with the slug for `run` containers. */
export function containerLabels(
  loaded: LoadedProject,
  service: Service,
  options: { number: number; imageId: string; oneoffSlug?: string },
): Record<string, string> {
  const dependsOn = Object.entries(service.depends_on ?? {})
    .map(([dep, how]) => `${dep}:${how.condition}:${how.restart ? 'true' : 'false'}`)
    .join(',');
  return {
    ...projectLabels(loaded.project.name),
    [Label.service]: service.name,
    [Label.workingDir]: loaded.workingDir,
    [Label.configFiles]: loaded.configFiles.join(','),
    [Label.environmentFile]: loaded.envFiles.join(','),
    [Label.oneoff]: options.oneoffSlug ? 'True' : 'False',
    ...(options.oneoffSlug ? { [Label.slug]: options.oneoffSlug } : {}),
    [Label.containerNumber]: String(options.number),
    [Label.configHash]: serviceConfigHash(service, loaded),
    [Label.dependsOn]: dependsOn,
    [Label.image]: options.imageId,
    [BerthLabel.config]: encodeConfigLabel(hashedServiceConfig(service, loaded)),
  };
}

/** How a container being created finds the containers of the services it refers to. */
export interface ServiceContainers {
  /** `service:x` (network_mode, ipc, pid, volumes_from) -> the ID of x's first container. */
  containerOf: (service: string) => string;
  /** `links` -> the names of x's containers: the engine resolves a link by name, never by ID. */
  containerNamesOf: (service: string) => string[];
}

export async function containerLookup(engine: Engine, project: string, service: Service): Promise<ServiceContainers> {
  if (!implicitDependencies(service).length) {
    const refuse = (other: string): never => {
      throw new BerthError('reference', `service "${service.name}" does not depend on "${other}"`);
    };
    return { containerOf: refuse, containerNamesOf: refuse };
  }
  const list = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${project}`, `${Label.oneoff}=False`] },
  });
  const of = (other: string) =>
    list
      .filter((c) => c.Labels[Label.service] === other)
      .sort((a, b) => Number(a.Labels[Label.containerNumber]) - Number(b.Labels[Label.containerNumber]));
  return {
    containerOf: (other) => {
      const [found] = of(other);
      if (!found) throw new BerthError('reference', `service "${other}" has no container to share with`);
      return found.Id;
    },
    // A linked container also lists "/<linker>/<alias>" names: its own is the one without a second slash.
    containerNamesOf: (other) =>
      of(other).flatMap((c) => c.Names.filter((n) => n.lastIndexOf('/') === 0).map((n) => n.slice(1))),
  };
}

/** Creates the container, connects its other networks and copies its generated files in; a failure leaves nothing behind. */
export async function createFromSpec(engine: Engine, service: string, spec: ContainerSpec): Promise<Docker.Container> {
  let container: Docker.Container;
  try {
    container = await engine.createContainer(containerCreateRequest(spec.create));
  } catch (err) {
    throw new ServiceError('engine', service, `cannot create container ${spec.create.name}: ${engineMessage(err)}`, {
      cause: err,
    });
  }
  try {
    for (const { network, endpoint } of spec.connectAfterCreate) {
      await engine.getNetwork(network).connect({ Container: container.id, EndpointConfig: endpoint });
    }
    if (spec.injectFiles.length) {
      const archive = tarArchive(
        spec.injectFiles.map((f) => ({
          path: f.path,
          content: Buffer.from(f.content),
          mode: f.mode,
          uid: numeric(f.uid),
          gid: numeric(f.gid),
        })),
      );
      await container.putArchive(archive, { path: '/' });
    }
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw err;
  }
  return container;
}

function numeric(id: string | undefined): number | undefined {
  return id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
}
