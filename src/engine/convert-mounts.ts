// Storage: service volumes of every type, secret and config files, `tmpfs:` and `volumes_from`.
import { posix } from 'node:path';
import type Dockerode from 'dockerode';
import { ServiceError } from '../errors.js';
import type { FileObject, Service, ServiceVolume } from '../model/types.js';
import { serviceFiles, type InjectFile } from './convert-files.js';
import type { EngineMount } from './engine-mount.js';

export interface StorageInput {
  service: Service;
  volumes: Record<string, { name: string }>;
  secrets: Record<string, FileObject>;
  configs: Record<string, FileObject>;
  hostEnv: Record<string, string | undefined>;
  containerOf: (service: string) => string;
  /** Anonymous volumes of the container being replaced, by mount target (engine volume names). */
  inheritedVolumes?: Record<string, string>;
}

export interface StorageSettings {
  Binds?: string[];
  Mounts?: Dockerode.MountConfig;
  Tmpfs?: Record<string, string>;
  VolumesFrom?: string[];
  injectFiles: InjectFile[];
  warnings: string[];
}

type Attachment = { bind: string } | { mount: EngineMount };

export function storageSettings(input: StorageInput): StorageSettings {
  const { service } = input;
  // Keyed by target: a later volume replaces an earlier one, and a secret or config never
  // shadows a volume, as in Compose.
  const byTarget = new Map<string, Attachment>();
  for (const volume of service.volumes ?? []) byTarget.set(volume.target, attachment(volume, input));
  const files = serviceFiles(input);
  for (const mount of files.mounts) if (!byTarget.has(mount.Target)) byTarget.set(mount.Target, { mount });
  inherit(byTarget, input);

  const attachments = [...byTarget.values()];
  const binds = attachments.flatMap((a) => ('bind' in a ? [a.bind] : []));
  const mounts = attachments.flatMap((a) => ('mount' in a ? [a.mount] : []));
  const volumesFrom = (service.volumes_from ?? []).map((entry) => volumeFrom(entry, input.containerOf));
  return {
    Binds: binds.length ? binds : undefined,
    // Sound: EngineMount only loosens and extends Dockerode's MountSettings.
    Mounts: mounts.length ? (mounts as Dockerode.MountConfig) : undefined,
    Tmpfs: service.tmpfs?.length ? tmpfsMap(service.tmpfs) : undefined,
    VolumesFrom: volumesFrom.length ? volumesFrom : undefined,
    injectFiles: files.injectFiles,
    warnings: files.warnings,
  };
}

/**
 * The replaced container's anonymous volumes stay where nothing else is mounted now: at a
 * declared anonymous volume and at the image's own `VOLUME` paths (a database's data
 * directory, often). As in Compose, so a recreate never swaps the data for an empty volume.
 */
function inherit(byTarget: Map<string, Attachment>, input: StorageInput): void {
  const tmpfs = new Set(Object.keys(tmpfsMap(input.service.tmpfs ?? [])).map(cleanPath));
  const declared = new Map([...byTarget].map(([target, attachment]) => [cleanPath(target), attachment]));
  for (const [target, name] of Object.entries(input.inheritedVolumes ?? {})) {
    const current = declared.get(cleanPath(target));
    if (!current && !tmpfs.has(cleanPath(target)))
      byTarget.set(target, { mount: { Type: 'volume', Source: name, Target: target } });
    else if (current && 'mount' in current && current.mount.Type === 'volume' && current.mount.Source === undefined)
      current.mount.Source = name;
  }
}

/** A container path as the engine reports mount targets: no trailing slash, no `.` or `//`. */
function cleanPath(path: string): string {
  return posix.normalize(path).replace(/(.)\/$/, '$1');
}

type Builder<T extends ServiceVolume['type']> = (
  volume: ServiceVolume & { type: T },
  input: StorageInput,
) => Attachment;

const builders: { [T in ServiceVolume['type']]: Builder<T> } = {
  bind: (v) => {
    // No bind options is the short syntax, which creates a missing host path.
    const bind = v.bind ?? { create_host_path: true };
    // The Mount API cannot create a missing host path (moby/moby#43483), so such binds go
    // through `Binds`, as Compose does.
    if (bind.create_host_path && !bind.recursive) {
      const options = [v.read_only ? 'ro' : 'rw', bind.selinux, bind.propagation].filter(Boolean);
      return { bind: `${v.source}:${v.target}:${options.join(',')}` };
    }
    return {
      mount: {
        ...common(v),
        Type: 'bind',
        Source: v.source,
        BindOptions: {
          Propagation: bind.propagation,
          CreateMountpoint: bind.create_host_path || undefined,
          ...recursion[bind.recursive ?? 'enabled'],
        },
      },
    };
  },
  volume: (v, input) => {
    const options =
      v.volume?.nocopy || v.volume?.subpath ? { NoCopy: v.volume.nocopy, Subpath: v.volume.subpath } : undefined;
    return { mount: { ...common(v), Type: 'volume', Source: volumeName(v.source, input), VolumeOptions: options } };
  },
  tmpfs: (v) => {
    const options = v.tmpfs && { SizeBytes: v.tmpfs.size, Mode: v.tmpfs.mode };
    return { mount: { ...common(v), Type: 'tmpfs', TmpfsOptions: options } };
  },
  npipe: (v) => ({ mount: { ...common(v), Type: 'npipe', Source: v.source } }),
  image: (v) => ({
    mount: {
      ...common(v),
      Type: 'image',
      Source: v.source,
      ImageOptions: v.image?.subpath ? { Subpath: v.image.subpath } : undefined,
    },
  }),
  cluster: (v, input) => {
    throw new ServiceError('usage', input.service.name, `volume at ${v.target}: cluster volumes need Swarm`);
  },
};

/** bind.recursive -> the BindOptions flags the engine knows. */
const recursion: Record<string, NonNullable<EngineMount['BindOptions']>> = {
  enabled: {},
  disabled: { NonRecursive: true },
  writable: { ReadOnlyNonRecursive: true },
  readonly: { ReadOnlyForceRecursive: true },
};

function attachment(volume: ServiceVolume, input: StorageInput): Attachment {
  return (builders[volume.type] as Builder<ServiceVolume['type']>)(volume, input);
}

function common(volume: ServiceVolume): Pick<EngineMount, 'Target' | 'ReadOnly' | 'Consistency'> {
  return { Target: volume.target, ReadOnly: volume.read_only || undefined, Consistency: volume.consistency };
}

/** A project volume's engine name; no source means an anonymous volume. */
function volumeName(source: string | undefined, input: StorageInput): string | undefined {
  if (source === undefined) return undefined;
  const volume = input.volumes[source];
  if (!volume) throw new ServiceError('reference', input.service.name, `refers to undefined volume "${source}"`);
  return volume.name;
}

/** "path" or "path:options" -> { path: options }. */
function tmpfsMap(entries: string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const colon = entry.indexOf(':');
      return colon < 0 ? [entry, ''] : [entry.slice(0, colon), entry.slice(colon + 1)];
    }),
  );
}

/** `[service:|container:]name[:ro|:rw]` -> `<container>[:ro|:rw]`; a bare name is a service. */
function volumeFrom(entry: string, containerOf: (service: string) => string): string {
  const { container, access } = parseVolumeFrom(entry, containerOf);
  return access ? `${container}:${access}` : container;
}

/** The containers a service's `volumes_from` takes volumes from (IDs or names). */
export function volumesFromContainers(service: Service, containerOf: (service: string) => string): string[] {
  return (service.volumes_from ?? []).map((entry) => parseVolumeFrom(entry, containerOf).container);
}

function parseVolumeFrom(
  entry: string,
  containerOf: (service: string) => string,
): { container: string; access?: string } {
  const [, kind, name, access] = /^(?:(container|service):)?(.+?)(?::(ro|rw))?$/.exec(entry)!;
  return { container: kind === 'container' ? name : containerOf(name), access };
}
