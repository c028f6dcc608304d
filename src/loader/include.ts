// `include`: another compose application is loaded whole (its own project directory and env
// files) and its resources are added to this one. A resource defined on both sides is a
// conflict, as in Docker Compose, unless both definitions are identical.
import { dirname, resolve } from 'node:path';
import { LoadError } from '../errors.js';
import { canonicalJson } from '../model/hash.js';
import type { Locate } from './locate.js';
import { isDict, type Dict } from './paths.js';

export interface IncludeEntry {
  /** Absolute paths of the files to load, merged in order. */
  files: string[];
  /** Absolute project directory of the included application. */
  projectDirectory: string;
  /** Absolute env files for its interpolation (default: its project directory's .env). */
  envFiles?: string[];
}

export interface IncludeContext {
  file: string;
  locate: Locate;
  /** Files being included on the way here, to reject cycles. */
  stack: readonly string[];
  /** Loads an included application into one canonical map with absolute paths. */
  loadApplication: (entry: IncludeEntry, stack: readonly string[]) => Promise<Dict>;
}

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

export async function applyIncludes(data: Dict, ctx: IncludeContext): Promise<Dict> {
  const { include, ...rest } = data;
  if (!Array.isArray(include)) return data;
  let result: Dict = rest;
  for (const [i, raw] of include.entries()) {
    const where = { position: ctx.locate(['include', i]), path: `include[${i}]` };
    const entry = includeEntry(raw, dirname(ctx.file));
    const cyclic = entry.files.find((f) => f === ctx.file || ctx.stack.includes(f));
    if (cyclic) {
      throw new LoadError('include', `include cycle: ${[...ctx.stack, ctx.file, cyclic].join(' -> ')}`, where);
    }
    let imported: Dict;
    try {
      imported = await ctx.loadApplication(entry, [...ctx.stack, ctx.file]);
    } catch (err) {
      if (err instanceof LoadError && err.code === 'file-not-found') {
        throw new LoadError('include', `cannot include ${entry.files.join(', ')}: ${err.detail}`, where);
      }
      throw err;
    }
    result = addImported(result, imported, where);
  }
  return result;
}

/** An `include` entry (a path, or a mapping with `path`, `project_directory`, `env_file`) with its paths made absolute. */
export function includeEntry(raw: unknown, baseDir: string): IncludeEntry {
  const def = typeof raw === 'string' ? { path: raw } : (raw as Dict);
  const paths = ([] as unknown[]).concat(def.path).map((p) => resolve(baseDir, String(p)));
  const projectDirectory =
    typeof def.project_directory === 'string' ? resolve(baseDir, def.project_directory) : dirname(paths[0]);
  const envFiles =
    def.env_file === undefined
      ? undefined
      : ([] as unknown[]).concat(def.env_file).map((p) => resolve(baseDir, String(p)));
  return { files: paths, projectDirectory, envFiles };
}

function addImported(local: Dict, imported: Dict, where: { position?: ReturnType<Locate>; path: string }): Dict {
  const result: Dict = { ...local };
  for (const section of SECTIONS) {
    const theirs = isDict(imported[section]) ? imported[section] : {};
    const ours = isDict(local[section]) ? local[section] : {};
    for (const [key, value] of Object.entries(theirs)) {
      if (Object.hasOwn(ours, key) && canonicalJson(ours[key]) !== canonicalJson(value)) {
        throw new LoadError(
          'include',
          `${section}.${key} is defined both here and in an included file: rename one of them`,
          where,
        );
      }
    }
    if (Object.keys(theirs).length) result[section] = { ...theirs, ...ours };
  }
  return result;
}
