// Where a value of the model came from: which compose file and line set it, the values it
// overrode, and for an interpolated value where each variable came from (the shell, an env
// file's line, or the default written in the compose file). Values set through `include` and
// `extends` are traced to the file that wrote them. Worked out only when asked
// (`config --explain`, `--variables`): the files are read again, so a plain load pays nothing.
import { dirname, relative, resolve } from 'node:path';
import type { SourcePosition } from '../errors.js';
import { LoadError } from '../errors.js';
import type { LoadedProject } from '../model/types.js';
import { extendsRef } from './extends.js';
import { includeEntry } from './include.js';
import { interpolateString, InterpolationBudget } from './interpolate.js';
import { parseComposeText, type ParsedFile } from './parse.js';
import { formatPath, isDict, type PathSegment } from './paths.js';
import { readTextFile, STDIN } from './read-file.js';

/** One file's say on the path: the value as written there, and where. */
export interface Setting {
  written: unknown;
  position: SourcePosition;
}

export interface VariableSource {
  name: string;
  /** `shell`; `env-file` with the file and line; `default` written at the value's line; `unset`. */
  from: 'shell' | 'env-file' | 'default' | 'unset';
  position?: SourcePosition;
  /** The default or alternate written in the expression, as written. */
  operand?: string;
}

export interface Explanation {
  path: string;
  /** The final value in the loaded model; undefined when the model has no such path. */
  value: unknown;
  /** Every file that wrote the path, first to last: the last one set the value. */
  settings: Setting[];
  /** The variables the setting file's value reads, with where each came from. */
  variables: VariableSource[];
}

export interface ProvenanceSources {
  loaded: Pick<LoadedProject, 'project' | 'configFiles' | 'envFiles' | 'environment'>;
  /** The shell environment the load saw: a variable set there wins over every env file. */
  shell: Record<string, string | undefined>;
}

/** `services.web.environment.APP_MODE` or `services.web.ports[1]` -> segments. */
export function parsePath(path: string): PathSegment[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** Where the value at `path` came from; a LoadError when no file writes it. */
export function explainPath(path: string, sources: ProvenanceSources): Explanation {
  const segments = parsePath(path);
  const settings = sources.loaded.configFiles.flatMap((file) =>
    file === STDIN ? [] : settingsIn(file, segments, new Set()),
  );
  if (!settings.length) {
    throw new LoadError('reference', 'no compose file sets this path (the paths are those `berth config` prints)', {
      path: formatPath(segments),
    });
  }
  const last = settings[settings.length - 1];
  return {
    path: formatPath(segments),
    value: valueAt(sources.loaded.project, segments),
    settings,
    variables: typeof last.written === 'string' ? variableSources(last.written, last.position, sources) : [],
  };
}

/**
 * What `file` has to say on `segments`, first to last as the loader merges it: the applications it
 * includes, then the service it extends (followed down its chain), then the file itself.
 */
function settingsIn(file: string, segments: PathSegment[], visited: Set<string>): Setting[] {
  const key = `${file}#${formatPath(segments)}`;
  if (visited.has(key)) return [];
  visited.add(key);
  const parsed = parseComposeText(readTextFile(file, { what: 'compose file', code: 'file-not-found' }), file);
  const data = isDict(parsed.data) ? parsed.data : {};
  const settings: Setting[] = [];
  if (Array.isArray(data.include)) {
    for (const raw of data.include) {
      for (const included of includeEntry(raw, dirname(file)).files)
        settings.push(...settingsIn(included, segments, visited));
    }
  }
  const [section, name, ...rest] = segments;
  const services = isDict(data.services) ? data.services : {};
  const service = section === 'services' && typeof name === 'string' ? services[name] : undefined;
  const base = isDict(service) ? extendsRef(service.extends) : undefined;
  if (base) {
    const baseFile = base.file ? resolve(dirname(file), base.file) : file;
    settings.push(...settingsIn(baseFile, ['services', base.service, ...rest], visited));
  }
  const own = writtenAt(parsed, segments);
  if (own) settings.push(own);
  return settings;
}

/** The value `parsed` writes at `segments`, with its position; a `KEY=value` list item counts for `KEY`. */
function writtenAt(parsed: ParsedFile, segments: PathSegment[]): Setting | undefined {
  let node: unknown = parsed.data;
  const at: PathSegment[] = [];
  for (const seg of segments) {
    if (isDict(node) && typeof seg === 'string' && Object.hasOwn(node, seg)) {
      node = node[seg];
      at.push(seg);
    } else if (Array.isArray(node) && typeof seg === 'number' && seg < node.length) {
      node = node[seg];
      at.push(seg);
    } else if (Array.isArray(node) && typeof seg === 'string') {
      // `environment: [KEY=value]`, `labels: [key=value]`: the list form of a map.
      const index = node.findIndex((item) => typeof item === 'string' && (item === seg || item.startsWith(`${seg}=`)));
      if (index < 0) return undefined;
      const item = node[index] as string;
      node = item.includes('=') ? item.slice(item.indexOf('=') + 1) : null;
      at.push(index);
    } else return undefined;
  }
  const position = parsed.positions.locate(at);
  return position ? { written: node, position } : undefined;
}

function valueAt(root: unknown, segments: PathSegment[]): unknown {
  let node = root;
  for (const seg of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** The variables `written` reads, each with the place its value came from. */
function variableSources(written: string, position: SourcePosition, sources: ProvenanceSources): VariableSource[] {
  const uses = variableUses(written);
  return uses.map(({ name, operator, operand }) => {
    const value = sources.loaded.environment[name];
    // `${X:-d}` takes the default when X is empty too; `${X-d}` only when X is unset.
    const takesDefault = operator?.startsWith(':') ? !value : value === undefined;
    if (operator?.endsWith('-') && takesDefault) return { name, from: 'default', position, operand };
    if (sources.shell[name] !== undefined) return { name, from: 'shell', operand };
    const file = [...sources.loaded.envFiles].reverse().find((f) => envFileLine(f, name) !== undefined);
    if (file) return { name, from: 'env-file', position: { file, line: envFileLine(file, name) }, operand };
    return { name, from: 'unset', operand };
  });
}

/** Each variable an expression reads, first use of each name. */
function variableUses(written: string): { name: string; operator?: string; operand?: string }[] {
  const uses = new Map<string, { name: string; operator?: string; operand?: string }>();
  // Every lookup answers "set", so `${X:?}` does not throw and every operand is seen as written.
  interpolateString(
    written,
    () => 'x',
    undefined,
    new InterpolationBudget(),
    (name, operator, operand) => {
      if (!uses.has(name)) uses.set(name, { name, operator, operand });
    },
  );
  return [...uses.values()];
}

/** The last line of an env file that assigns `name`; undefined when none does. */
function envFileLine(file: string, name: string): number | undefined {
  const text = readTextFile(file, { what: 'env file', code: 'env-file', ifExists: true });
  if (text === undefined) return undefined;
  const assigns = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`);
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (assigns.test(lines[i])) return i + 1;
  return undefined;
}

export interface ProjectVariable {
  name: string;
  required: boolean;
  defaultValue?: string;
  alternateValue?: string;
}

/** Every variable the project's compose files read, as `docker compose config --variables` lists them. */
export function projectVariables(configFiles: string[]): ProjectVariable[] {
  const found = new Map<string, ProjectVariable>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const { name, operator, operand } of variableUses(value)) {
        const v = found.get(name) ?? { name, required: false };
        if (operator?.endsWith('?')) v.required = true;
        if (operator?.endsWith('-')) v.defaultValue ??= operand;
        if (operator?.endsWith('+')) v.alternateValue ??= operand;
        found.set(name, v);
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isDict(value)) Object.values(value).forEach(visit);
  };
  for (const file of configFiles) {
    if (file === STDIN) continue;
    visit(parseComposeText(readTextFile(file, { what: 'compose file', code: 'file-not-found' }), file).data);
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A position as people read it: the file relative to `dir`, and the line. */
export function shortPosition(position: SourcePosition, dir: string): string {
  const file = relative(dir, position.file) || position.file;
  return position.line === undefined ? file : `${file}:${position.line}`;
}

/**
 * Where a list item was written (a port, in the file that declared it): the last file whose list
 * at `segments` has an item `matches` accepts; else that list itself; undefined when none has it.
 */
export function locateListItem(
  configFiles: string[],
  segments: PathSegment[],
  matches: (item: unknown) => boolean,
): SourcePosition | undefined {
  let fallback: SourcePosition | undefined;
  for (const file of [...configFiles].reverse()) {
    if (file === STDIN) continue;
    const parsed = parseComposeText(readTextFile(file, { what: 'compose file', code: 'file-not-found' }), file);
    const list = writtenAt(parsed, segments);
    if (!list || !Array.isArray(list.written)) continue;
    const index = list.written.findIndex(matches);
    if (index >= 0) return parsed.positions.locate([...segments, index]);
    fallback ??= list.position;
  }
  return fallback;
}
