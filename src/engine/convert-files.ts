// Secrets and configs on a single host: a file-backed one is bind-mounted read-only; one
// given by `content` or `environment` is copied into the container before it starts.
import { ServiceError } from '../errors.js';
import type { FileObject, Service, ServiceFileRef } from '../model/types.js';
import type { EngineMount } from './engine-mount.js';

export interface InjectFile {
  path: string;
  content: string;
  mode: number;
  uid?: string;
  gid?: string;
}

export interface FilesInput {
  service: Service;
  secrets: Record<string, FileObject>;
  configs: Record<string, FileObject>;
  hostEnv: Record<string, string | undefined>;
}

/** Where each kind lands when the target is missing or relative. */
const kinds = [
  { field: 'secrets', noun: 'secret', dir: '/run/secrets/' },
  { field: 'configs', noun: 'config', dir: '/' },
] as const;

const DEFAULT_MODE = 0o444;

export interface ServiceFiles {
  mounts: EngineMount[];
  injectFiles: InjectFile[];
  /** What the user asked for that a single host cannot do, for the caller to show. */
  warnings: string[];
}

export function serviceFiles(input: FilesInput): ServiceFiles {
  const mounts: EngineMount[] = [];
  const injectFiles: InjectFile[] = [];
  const warnings: string[] = [];
  for (const { field, noun, dir } of kinds) {
    for (const ref of input.service[field] ?? []) {
      const definition = defined(input, noun, ref.source, input[field][ref.source]);
      const path = targetPath(ref, dir);
      if (definition.file !== undefined) {
        mounts.push({ Type: 'bind', Source: definition.file, Target: path, ReadOnly: true });
        // As Compose warns: a bind mount shows the host file as it is.
        if (ref.uid !== undefined || ref.gid !== undefined || ref.mode !== undefined)
          warnings.push(
            `service "${input.service.name}": ${noun} "${ref.source}" comes from a file: its \`uid\`, \`gid\` and \`mode\` are not supported, they will be ignored (the container sees the host file's owner and mode)`,
          );
      } else {
        const content = contentOf(input, noun, ref.source, definition);
        injectFiles.push({ path, content, mode: ref.mode ?? DEFAULT_MODE, uid: ref.uid, gid: ref.gid });
      }
    }
  }
  return { mounts, injectFiles, warnings };
}

function defined(input: FilesInput, noun: string, key: string, definition: FileObject | undefined): FileObject {
  const fail = (code: 'reference' | 'usage', message: string) => new ServiceError(code, input.service.name, message);
  if (!definition) throw fail('reference', `refers to undefined ${noun} "${key}"`);
  // These need Swarm, which berth does not drive.
  if (definition.external) throw fail('usage', `external ${noun} "${key}" is not supported without Swarm`);
  if (definition.driver) throw fail('usage', `${noun} "${key}": driver is not supported without Swarm`);
  if (definition.template_driver)
    throw fail('usage', `${noun} "${key}": template_driver is not supported without Swarm`);
  return definition;
}

function targetPath(ref: ServiceFileRef, dir: string): string {
  if (!ref.target) return dir + ref.source;
  return isAbsolute(ref.target) ? ref.target : dir + ref.target;
}

/** POSIX, UNC or drive-letter absolute, as Compose accepts for Windows containers. */
function isAbsolute(path: string): boolean {
  return /^(\/|\\\\|[A-Za-z]:\\)/.test(path);
}

function contentOf(input: FilesInput, noun: string, key: string, definition: FileObject): string {
  if (definition.content !== undefined) return definition.content;
  if (definition.environment !== undefined) {
    const value = input.hostEnv[definition.environment];
    if (value === undefined) {
      throw new ServiceError(
        'reference',
        input.service.name,
        `environment variable "${definition.environment}" required by ${noun} "${key}" is not set`,
      );
    }
    return value;
  }
  throw new ServiceError('reference', input.service.name, `${noun} "${key}" has no file, content or environment`);
}
