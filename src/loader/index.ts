// The loader pipeline: compose files in, one validated, normalized project out. The order
// of the stages is Docker Compose's, and deliberate: per file parse -> interpolate -> cast
// (so that `replicas: ${N}` passes the schema) -> schema -> canonical form -> include ->
// extends -> merge; then paths, name, normalize, profiles and consistency checks on the whole.
import { dirname, resolve } from 'node:path';
import { LoadError } from '../errors.js';
import type { LoadedProject } from '../model/types.js';
import { toCanonical } from './canonical.js';
import { castKnownTypes } from './cast.js';
import { checkProject } from './checks.js';
import { discoverComposeFiles } from './discover.js';
import { composeSettings, lookupIn, resolveInterpolationEnvironment } from './environment.js';
import { applyExtends } from './extends.js';
import { applyIncludes, type IncludeEntry } from './include.js';
import { InterpolationBudget, interpolateTree } from './interpolate.js';
import { locateAcross, type Locate } from './locate.js';
import { mergeCompose, stripMergeTags } from './merge.js';
import { normalizeProject, resolveEnvironments } from './normalize.js';
import { parseComposeText, type ParsedFile, type PositionIndex } from './parse.js';
import type { Dict } from './paths.js';
import { applyProfiles, withDependencies } from './profiles.js';
import { resolveProjectName } from './project-name.js';
import { readRegularFile, readStdin, STDIN } from './read-file.js';
import { resolveRelativePaths } from './resolve-paths.js';
import { SourceText } from './source-text.js';
import { validateComposeFile } from './validate.js';

export interface LoadOptions {
  /** Compose files (`-f`), relative to `cwd`. Default: `COMPOSE_FILE`, else discovery. */
  files?: string[];
  /** `-p`. */
  projectName?: string;
  /** `--project-directory`. Default: the directory of the first compose file. */
  projectDirectory?: string;
  /** `--env-file`, relative to `cwd`. */
  envFiles?: string[];
  /** `--profile`. Default: `COMPOSE_PROFILES`. */
  profiles?: string[];
  /**
   * Services named on the command line: enabled with their dependencies whatever their
   * profiles, and the only ones whose env files must exist (default: every enabled service).
   */
  services?: string[];
  /** The shell environment. Default: `process.env`. */
  environment?: Record<string, string | undefined>;
  cwd?: string;
  /** `--no-interpolate`. */
  interpolate?: boolean;
  onWarning?: (message: string) => void;
  /** Told of each interpolation environment (the project's, each include's) as soon as it is read, before anything can fail on its values. */
  onEnvironment?: (environment: Readonly<Record<string, string>>) => void;
}

interface Session {
  interpolate: boolean;
  onWarning?: (message: string) => void;
  onEnvironment?: LoadOptions['onEnvironment'];
  positions: PositionIndex[];
  budget: InterpolationBudget;
  /** Top-level files parsed early for their `name:`, each taken once by loadCanonical. */
  parsed: Map<string, ParsedFile>;
}

interface Application {
  files: string[];
  workingDir: string;
  environment: Record<string, string>;
}

export async function loadProject(options: LoadOptions = {}): Promise<LoadedProject> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const shell = options.environment ?? process.env;
  const shellSettings = composeSettings(shell);
  // Without -f, files are looked for in the project directory when one is given (as Compose does).
  const searchFrom = options.projectDirectory ? resolve(cwd, options.projectDirectory) : cwd;
  const named = options.files?.length
    ? options.files
    : (shellSettings.files ?? dotenvFiles(searchFrom, options.envFiles ?? shellSettings.envFiles, shell, cwd));
  const files = named?.map((f) => (f === STDIN ? f : resolve(cwd, f))) ?? discoverComposeFiles(searchFrom);
  // A project read from standard input lives in the current directory, as with Docker Compose.
  const workingDir = options.projectDirectory
    ? resolve(cwd, options.projectDirectory)
    : files[0] === STDIN
      ? cwd
      : dirname(files[0]);

  // One budget for all the project's files: a limit per file could be multiplied by the files.
  const budget = new InterpolationBudget();
  const env = resolveInterpolationEnvironment({
    workingDir,
    // Without -f, the `.env` where the search started (which may have named COMPOSE_FILE) counts too.
    searchDir: options.files?.length ? undefined : searchFrom,
    envFiles: options.envFiles ?? shellSettings.envFiles,
    shell,
    cwd,
    budget,
  });
  const settings = composeSettings(env.environment);
  const session: Session = {
    interpolate: options.interpolate ?? true,
    onWarning: options.onWarning,
    onEnvironment: options.onEnvironment,
    positions: [],
    budget,
    parsed: new Map(),
  };
  session.onEnvironment?.(env.environment);

  // The name comes first, as in Compose: the files may interpolate ${COMPOSE_PROJECT_NAME}.
  const fromFiles = await nameInFiles(files, env.environment, session);
  const projectName = resolveProjectName({
    flag: options.projectName,
    env: settings.projectName,
    file: fromFiles?.name,
    filePosition: fromFiles?.position,
    workingDir,
  });
  const environment = { ...env.environment, COMPOSE_PROJECT_NAME: projectName };

  const model = await loadApplication({ files, workingDir, environment }, session, []);
  if (Object.keys(model).length === 0) {
    // As Docker Compose: a file left empty by mistake is not an empty project.
    throw new LoadError('schema', 'empty compose file: it defines no services or other resources', {
      position: { file: files[0] },
    });
  }
  const locate = locateAcross(session.positions);
  const context = { projectName, environment, locate, budget };
  const full = normalizeProject(model, context);
  const profiles = options.profiles?.length ? options.profiles : (settings.profiles ?? []);
  const requested = options.services ?? [];
  const { enabled, disabled } = applyProfiles(full.services, profiles, requested);
  const project = { ...full, services: enabled };
  const needed = withDependencies(enabled, requested);
  resolveEnvironments(enabled, context, (name) => !requested.length || needed.has(name));
  resolveEnvironments(disabled, context, () => false);
  checkProject(project, { locate, disabled, onWarning: options.onWarning });

  return {
    project,
    workingDir,
    configFiles: files,
    envFiles: env.envFiles,
    environment,
    profiles,
    disabledServices: disabled,
  };
}

/** The last non-empty top-level `name:` of the files, interpolated, and where it was written. */
async function nameInFiles(
  files: string[],
  environment: Record<string, string>,
  session: Session,
): Promise<{ name: string; position: ReturnType<Locate> } | undefined> {
  let found: { name: string; position: ReturnType<Locate> } | undefined;
  for (const file of files) {
    const parsed = await parseFile(file);
    session.parsed.set(file, parsed);
    const raw = parsed.data.name;
    if (typeof raw !== 'string' || raw === '') continue;
    // No warnings here: the file's own interpolation gives them, once.
    const locate: Locate = (path) => parsed.positions.locate(path);
    const name = session.interpolate
      ? interpolateTree({ name: raw }, lookupIn(environment), { locate, budget: session.budget }).name
      : raw;
    if (typeof name === 'string' && name) found = { name, position: locate(['name']) };
  }
  return found;
}

/** `COMPOSE_FILE` set in the env files (by default the `.env` where the search starts), as Docker Compose reads it. */
function dotenvFiles(
  dir: string,
  envFiles: string[] | undefined,
  shell: Record<string, string | undefined>,
  cwd: string,
): string[] | undefined {
  const early = resolveInterpolationEnvironment({ workingDir: dir, envFiles, shell, cwd });
  return composeSettings(early.environment).files;
}

/** Loads and merges the files of one application; paths come out absolute. */
async function loadApplication(app: Application, session: Session, stack: readonly string[]): Promise<Dict> {
  let model: Dict = {};
  for (const file of app.files) {
    try {
      model = mergeCompose(model, await loadFile(file, app, session, stack, model));
    } catch (err) {
      // The merge rules know the path of a conflict, not where it was written.
      if (!(err instanceof LoadError) || err.code !== 'merge' || err.position || !err.path) throw err;
      const index = [...session.positions].reverse().find((p) => p.file === file);
      throw new LoadError(err.code, err.detail, {
        position: index?.locateFormatted(err.path) ?? { file },
        path: err.path,
      });
    }
  }
  // No stripMergeTags here: what mergeCompose returns holds no merge tags.
  return resolveRelativePaths(model, app.workingDir);
}

/** `earlier`: the model of the application's files before this one, which this one overrides. */
async function loadFile(
  file: string,
  app: Application,
  session: Session,
  stack: readonly string[],
  earlier: Dict,
): Promise<Dict> {
  const { data, locate } = await loadCanonical(file, app, session, earlier);
  const included = await applyIncludes(data, {
    file,
    locate,
    stack,
    loadApplication: (entry, nested) => loadIncluded(entry, app, session, nested),
  });
  return applyExtends(included, {
    file,
    locate,
    loadFile: async (other) => {
      const loaded = await loadCanonical(other, app, session);
      return { data: resolveRelativePaths(stripMergeTags(loaded.data), dirname(other)), locate: loaded.locate };
    },
  });
}

async function loadIncluded(
  entry: IncludeEntry,
  parent: Application,
  session: Session,
  stack: readonly string[],
): Promise<Dict> {
  // The including project's variables win over the included one's env files.
  const env = resolveInterpolationEnvironment({
    workingDir: entry.projectDirectory,
    // An empty list means "only its own .env": the parent's COMPOSE_ENV_FILES is not for it.
    envFiles: entry.envFiles ?? [],
    shell: parent.environment,
    cwd: entry.projectDirectory,
    budget: session.budget,
  });
  session.onEnvironment?.(env.environment);
  return loadApplication(
    { files: entry.files, workingDir: entry.projectDirectory, environment: env.environment },
    session,
    stack,
  );
}

/**
 * One file up to canonical form: parse, interpolate, cast, validate, expand short syntax. An
 * override file is validated as completed by the `earlier` files: Compose validates the merge.
 */
async function loadCanonical(
  file: string,
  app: Application,
  session: Session,
  earlier: Dict = {},
): Promise<{ data: Dict; locate: Locate }> {
  const parsed = session.parsed.get(file) ?? (await parseFile(file));
  session.parsed.delete(file);
  session.positions.push(parsed.positions);
  const locate: Locate = (path, options) =>
    options?.key ? parsed.positions.locateKey(path) : parsed.positions.locate(path);
  const lookup = lookupIn(app.environment);
  const written = new SourceText(lookup);
  const interpolated = session.interpolate
    ? interpolateTree(parsed.data, lookup, {
        locate,
        onWarning: session.onWarning,
        onInterpolated: written.record,
        budget: session.budget,
      })
    : parsed.data;
  try {
    const data = castKnownTypes(interpolated);
    validateComposeFile(parsed.hasMergeTags ? stripMergeTags(data) : data, locate, earlier);
    return { data: toCanonical(data, locate, { keepUnparsed: !session.interpolate }), locate };
  } catch (err) {
    throw written.requote(err);
  }
}

async function parseFile(file: string): Promise<ParsedFile> {
  const source = { what: 'compose file', code: 'file-not-found' } as const;
  const bytes = file === STDIN ? await readStdin(source) : readRegularFile(file, source);
  return parseComposeText(decodeUtf8(bytes, file), file);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The file's text; a byte sequence that is not UTF-8 is an error, as in compose-go, not U+FFFD. */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const offset = lenient.indexOf('\uFFFD');
    const before = lenient.slice(0, Math.max(offset, 0));
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new LoadError('yaml', 'the file is not UTF-8 text (save it as UTF-8)', { position: { file, line, column } });
  }
}
