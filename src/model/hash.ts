// Config hashes: what the reconciler compares to decide whether a resource must be replaced.
import { createHash } from 'node:crypto';
import type { FileObject, Network, Project, Service, Volume } from './types.js';

/** Fields that change how many containers run or in which order, not what one container is. */
const NOT_HASHED = new Set(['build', 'pull_policy', 'scale', 'depends_on', 'profiles']);

/** JSON with keys sorted at every level, so equal configs hash equally whatever their origin. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function withoutExtensions<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('x-')));
}

/** Where the content of `content:` and `environment:` secrets and configs comes from. */
export interface FileSources {
  project: Pick<Project, 'secrets' | 'configs'>;
  /** The variables an `environment:` secret or config names. */
  environment: Record<string, string | undefined>;
}

/**
 * With `sources`, the content of the secrets and configs copied into the container (from
 * `content:` or `environment:`) counts too, by digest: a new value recreates the container, as
 * in Compose. A file-backed one is bind-mounted, so its changes show without that.
 */
export function serviceConfigHash(service: Service, sources?: FileSources): string {
  return sha256(canonicalJson(hashedServiceConfig(service, sources)));
}

/** What the service's config hash covers, as plain data: also what a recreate's reasons are computed from. */
export function hashedServiceConfig(service: Service, sources?: FileSources): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(withoutExtensions(service)).filter(([key]) => !NOT_HASHED.has(key)));
  if (service.deploy) {
    const { replicas: _replicas, ...deploy } = service.deploy;
    kept.deploy = withoutExtensions(deploy);
  }
  const copied = sources ? copiedContentDigests(service, sources) : {};
  // Only when there is some: the hash of every other service stays what it always was.
  if (Object.keys(copied).length) kept['copied-content'] = copied;
  return kept;
}

function copiedContentDigests(service: Service, { project, environment }: FileSources): Record<string, string> {
  const digests: Record<string, string> = {};
  const kinds: [string, Service['secrets'], Record<string, FileObject>][] = [
    ['secrets', service.secrets, project.secrets],
    ['configs', service.configs, project.configs],
  ];
  for (const [kind, refs, definitions] of kinds) {
    for (const { source } of refs ?? []) {
      const definition = definitions[source];
      const content =
        definition?.content ??
        (definition?.environment === undefined ? undefined : environment[definition.environment]);
      if (content !== undefined) digests[`${kind}.${source}`] = sha256(content);
    }
  }
  return digests;
}

export function networkConfigHash(network: Network): string {
  return sha256(canonicalJson(withoutExtensions(network)));
}

export function volumeConfigHash(volume: Volume): string {
  return sha256(canonicalJson(withoutExtensions(volume)));
}
