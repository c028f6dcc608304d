// Project name rules as Docker Compose applies them.
import { basename } from 'node:path';
import { LoadError, type SourcePosition } from '../errors.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

/** Lowercase, then drop every character Compose does not allow (used for directory names). */
export function normalizeProjectName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export interface ProjectNameSources {
  /** `-p` / `--project-name`. */
  flag?: string;
  /** `COMPOSE_PROJECT_NAME` from the shell or the project's `.env`. */
  env?: string;
  /** Top-level `name:` of the merged model. */
  file?: string;
  /** Where `name:` was written, for the error. */
  filePosition?: SourcePosition;
  workingDir: string;
}

/** `-p`, then `COMPOSE_PROJECT_NAME`, then `name:`, then the directory's base name. */
export function resolveProjectName(src: ProjectNameSources): string {
  const explicit: [string, string | undefined, SourcePosition?][] = [
    ['--project-name', src.flag],
    ['COMPOSE_PROJECT_NAME', src.env],
    ['name', src.file, src.filePosition],
  ];
  for (const [origin, value, position] of explicit) {
    if (value === undefined || value === '') continue;
    if (!VALID.test(value)) {
      throw new LoadError(
        'project-name',
        `invalid project name "${value}" (from ${origin}): it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit`,
        position ? { position, path: 'name' } : {},
      );
    }
    return value;
  }
  const fromDir = normalizeProjectName(basename(src.workingDir));
  if (!fromDir) {
    throw new LoadError(
      'project-name',
      `cannot derive a project name from the directory "${src.workingDir}": set one with -p or a top-level name:`,
    );
  }
  return fromDir;
}
