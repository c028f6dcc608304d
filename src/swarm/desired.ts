// The stack a project describes, in Swarm's terms: every service converted, and the overlay
// networks, secrets and configs those services use. Secrets and configs are named by their
// content (`<name>-<hash>`): Swarm never changes one in place, so a new content is a new
// object, and the services move over to it.
import { createHash } from 'node:crypto';
import { BerthError } from '../errors.js';
import { readRegularFile } from '../loader/read-file.js';
import { networkConfigHash } from '../model/hash.js';
import type { FileObject, LoadedProject, Network, Project } from '../model/types.js';
import { swarmService, type SwarmService } from './convert.js';
import { unsupportedAttributes, unsupportedProjectParts } from './warnings.js';

export interface DesiredNetwork {
  key: string;
  name: string;
  external: boolean;
  /** Compared with the network's config-hash label. */
  configHash: string;
  definition: Network;
}

export interface DesiredObject {
  kind: 'secret' | 'config';
  key: string;
  /** Engine name: `<name>-<12 hex digits of the content's SHA-256>`, or the name itself when external. */
  name: string;
  external: boolean;
  definition: FileObject;
  /** Absent for external objects. Never printed. */
  data?: Buffer;
}

export interface DesiredStack {
  project: string;
  services: SwarmService[];
  /** Service key -> converted service. */
  byKey: Record<string, SwarmService>;
  networks: DesiredNetwork[];
  secrets: DesiredObject[];
  configs: DesiredObject[];
  warnings: string[];
}

/** `loaded.environment` (the shell's over the env files) resolves values the file leaves open. */
export function desiredStack(loaded: Pick<LoadedProject, 'project' | 'environment'>): DesiredStack {
  const project = loaded.project;
  const env: Record<string, string | undefined> = loaded.environment;
  const secrets = usedObjects(project, 'secret', env);
  const configs = usedObjects(project, 'config', env);
  const secretNames = Object.fromEntries(secrets.map((o) => [o.key, o.name]));
  const configNames = Object.fromEntries(configs.map((o) => [o.key, o.name]));

  const warnings = unsupportedProjectParts(project);
  const services: SwarmService[] = [];
  const byKey: Record<string, SwarmService> = {};
  for (const [key, service] of Object.entries(project.services)) {
    warnings.push(...unsupportedAttributes(service));
    const converted = swarmService({ project, service, secretNames, configNames, hostEnv: env });
    warnings.push(...converted.warnings);
    services.push(converted);
    byKey[key] = converted;
  }
  const networkKeys = new Set(
    Object.values(project.services).flatMap((s) => (s.network_mode ? [] : Object.keys(s.networks ?? {}))),
  );
  const networks = [...networkKeys].sort().map((key) => {
    const definition = project.networks[key];
    return {
      key,
      name: definition.name,
      external: !!definition.external,
      configHash: networkConfigHash(definition),
      definition,
    };
  });
  return { project: project.name, services, byKey, networks, secrets, configs, warnings };
}

/** The secrets (or configs) some service refers to, with their content read. */
function usedObjects(
  project: Project,
  kind: 'secret' | 'config',
  env: Record<string, string | undefined>,
): DesiredObject[] {
  const field = kind === 'secret' ? 'secrets' : 'configs';
  const keys = new Set(Object.values(project.services).flatMap((s) => (s[field] ?? []).map((r) => r.source)));
  return [...keys].sort().map((key) => {
    const definition = project[field][key];
    if (!definition) {
      const user = Object.values(project.services).find((s) => s[field]?.some((r) => r.source === key))!;
      throw new BerthError('reference', `service "${user.name}" refers to undefined ${kind} "${key}"`);
    }
    if (definition.external) return { kind, key, name: definition.name, external: true, definition };
    const data = content(kind, key, definition, env);
    const digest = createHash('sha256').update(data).digest('hex').slice(0, 12);
    return { kind, key, name: `${definition.name}-${digest}`, external: false, definition, data };
  });
}

function content(kind: string, key: string, definition: FileObject, env: Record<string, string | undefined>): Buffer {
  if (definition.file !== undefined)
    return readRegularFile(definition.file, { what: `${kind} "${key}" from`, code: 'reference' });
  if (definition.content !== undefined) return Buffer.from(definition.content);
  if (definition.environment !== undefined) {
    const value = env[definition.environment];
    if (value === undefined)
      throw new BerthError(
        'reference',
        `${kind} "${key}": environment variable "${definition.environment}" is not set`,
      );
    return Buffer.from(value);
  }
  throw new BerthError('reference', `${kind} "${key}" has no file, content or environment`);
}
