// The last loader stage: the merged canonical map becomes the typed project. Resource names
// get their `<project>_<key>` engine names, the implicit `default` network appears, implicit
// dependencies become explicit, and env files are read into `environment` (so a change in
// an env file changes the service's config hash, as with Docker Compose).
import type { FileObject, Network, Project, Service, ServiceDependency, Volume } from '../model/types.js';
import { parseDotenv } from './dotenv.js';
import { lookupIn } from './environment.js';
import type { InterpolationBudget } from './interpolate.js';
import type { Locate } from './locate.js';
import { isDict, type Dict } from './paths.js';
import { readTextFile } from './read-file.js';

export interface NormalizeContext {
  projectName: string;
  /** Interpolation environment: resolves `environment` entries given without a value. */
  environment: Record<string, string>;
  locate: Locate;
  /** The project's interpolation budget, which env files' `${...}` draw on too. */
  budget?: InterpolationBudget;
}

export function normalizeProject(model: Dict, ctx: NormalizeContext): Project {
  const services = Object.fromEntries(
    Object.entries(dictAt(model, 'services')).map(([name, raw]) => [name, normalizeService(name, raw as Dict, ctx)]),
  );
  const networks = namedResources<Network>(dictAt(model, 'networks'), ctx.projectName);
  const usesDefault = Object.values(services).some((s) => s.networks && 'default' in s.networks);
  if (usesDefault && !networks.default) networks.default = { name: `${ctx.projectName}_default` };

  const extensions = Object.fromEntries(Object.entries(model).filter(([key]) => key.startsWith('x-')));
  const project: Project = {
    ...extensions,
    name: ctx.projectName,
    services,
    networks,
    volumes: namedResources<Volume>(dictAt(model, 'volumes'), ctx.projectName),
    secrets: namedResources<FileObject>(dictAt(model, 'secrets'), ctx.projectName),
    configs: namedResources<FileObject>(dictAt(model, 'configs'), ctx.projectName),
  };
  if (isDict(model.models)) project.models = model.models as Project['models'];
  return project;
}

function dictAt(model: Dict, key: string): Dict {
  const value = model[key];
  return isDict(value) ? value : {};
}

/** Engine names: `name:` when given, the key itself for external resources, else `<project>_<key>`. */
function namedResources<T extends { name: string; external?: boolean }>(
  entries: Dict,
  project: string,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(entries).map(([key, raw]) => {
      const def = (isDict(raw) ? raw : {}) as Partial<T>;
      const name = def.name ?? (def.external ? key : `${project}_${key}`);
      return [key, { ...def, name } as T];
    }),
  );
}

function normalizeService(name: string, raw: Dict, ctx: NormalizeContext): Service {
  const service = { ...raw, name } as Service;
  if (!service.network_mode && !service.networks) service.networks = { default: null };
  if (service.build && !service.build.dockerfile && !service.build.dockerfile_inline) {
    service.build = { ...service.build, dockerfile: 'Dockerfile' };
  }
  if (service.build?.args) service.build = { ...service.build, args: withCallerValues(service.build.args, ctx) };
  if (service.label_file?.length) service.labels = { ...readKeyValueFiles(service, ctx), ...service.labels };
  const implicit = implicitDependencies(service);
  if (implicit.length) {
    const explicit = service.depends_on ?? {};
    // fromEntries, not assignment: a dependency called `constructor` or `__proto__` stays a plain key.
    const added = implicit
      .filter((dep) => !Object.hasOwn(explicit, dep))
      .map((dep): [string, ServiceDependency] => [dep, { condition: 'service_started', required: true }]);
    service.depends_on = Object.fromEntries([...Object.entries(explicit), ...added]);
  }
  return service;
}

/**
 * Env files read into each service's `environment`, once profiles have been applied: only the
 * services about to be used (`needed`) must find their env files, as with Docker Compose, where
 * a service that is not started may name one that does not exist.
 */
export function resolveEnvironments(
  services: Record<string, Service>,
  ctx: NormalizeContext,
  needed: (name: string) => boolean,
): void {
  for (const [name, service] of Object.entries(services)) {
    if (service.env_file?.length || service.environment)
      service.environment = resolveEnvironment(service, ctx, needed(name));
  }
}

function resolveEnvironment(service: Service, ctx: NormalizeContext, needed: boolean): Record<string, string | null> {
  // Entries, not assignment: a variable called `__proto__` must stay a plain key.
  const fromFiles: [string, string][] = [];
  service.env_file?.forEach((ref, i) => {
    const text = readTextFile(ref.path, {
      ...namedAt(service, 'env_file', i, ctx),
      what: 'env file',
      ifExists: !ref.required || !needed,
    });
    if (text === undefined) return;
    const vars =
      ref.format === 'raw'
        ? parseRawEnvFile(text, ctx)
        : parseDotenv(text, ref.path, lookupIn(ctx.environment), { budget: ctx.budget });
    fromFiles.push(...Object.entries(vars));
  });
  return Object.fromEntries([...fromFiles, ...Object.entries(withCallerValues(service.environment ?? {}, ctx))]);
}

/** Entries written without a value take the caller's (environment, build args), as in Compose. */
function withCallerValues(
  entries: Record<string, string | null>,
  ctx: NormalizeContext,
): Record<string, string | null> {
  const lookup = lookupIn(ctx.environment);
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, value ?? lookup(key) ?? null]));
}

/**
 * `format: raw`, read as `docker run --env-file` reads it: `KEY=VALUE` lines kept as written,
 * without quotes, escapes or interpolation; a bare `KEY` passes the caller's value when set.
 */
function parseRawEnvFile(text: string, ctx: NormalizeContext): Record<string, string> {
  const lookup = lookupIn(ctx.environment);
  const entries = text.split(/\r?\n/).flatMap((line): [string, string][] => {
    const statement = line.trimStart();
    if (statement === '' || statement.startsWith('#')) return [];
    const eq = statement.indexOf('=');
    if (eq !== -1) return [[statement.slice(0, eq), statement.slice(eq + 1)]];
    const value = lookup(statement.trimEnd());
    return value === undefined ? [] : [[statement.trimEnd(), value]];
  });
  return Object.fromEntries(entries);
}

function readKeyValueFiles(service: Service, ctx: NormalizeContext): Record<string, string> {
  const out: Record<string, string> = {};
  service.label_file?.forEach((file, i) => {
    const text = readTextFile(file, { ...namedAt(service, 'label_file', i, ctx), what: 'label file' });
    Object.assign(out, parseDotenv(text, file, undefined, { budget: ctx.budget }));
  });
  return out;
}

/** Where a service names a file it reads, for errors about that file. */
function namedAt(service: Service, field: string, i: number, ctx: NormalizeContext) {
  return {
    code: 'env-file',
    position: ctx.locate(['services', service.name, field, i]),
    path: `services.${service.name}.${field}[${i}]`,
  } as const;
}

/** Services this one needs running because it shares their namespaces, volumes or links. */
export function implicitDependencies(service: Service): string[] {
  const deps = new Set<string>();
  for (const mode of [service.network_mode, service.ipc, service.pid]) {
    if (mode?.startsWith('service:')) deps.add(mode.slice('service:'.length));
  }
  for (const from of service.volumes_from ?? []) {
    if (from.startsWith('container:')) continue;
    deps.add(from.replace(/^service:/, '').split(':')[0]);
  }
  for (const link of service.links ?? []) deps.add(link.split(':')[0]);
  return [...deps];
}
