// What counts as a secret when berth prints something: values of variables whose names say
// they hold credentials, and the content of secrets. Two layers: a printed model masks those
// entries by name, and everything berth prints masks those values wherever they appear
// (a password copied into DATABASE_URL, a config's content, an error message).
import type { LoadedProject, Project, Service } from './types.js';

const SENSITIVE = /PASSW(OR)?D|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY/i;
// `POSTGRES_PASSWORD_FILE` holds the path of the file the password is in, not the password.
const PATH_VARIABLE = /_FILE$/i;
export const MASK = '********';

/**
 * Values shorter than this are not masked by value: one to three characters ("1", "yes",
 * "dev") occur all through ordinary output, so masking them would garble every message while
 * protecting nothing that a few thousand guesses would not find. By name they are still masked.
 */
export const MIN_MASKED_LENGTH = 4;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE.test(name) && !PATH_VARIABLE.test(name);
}

type Variables = Record<string, string | null | undefined>;

function maskValues<T extends string | null>(
  values: Record<string, T> | undefined,
): Record<string, T | string> | undefined {
  if (!values) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v !== null && isSensitiveName(k) ? MASK : v]));
}

function redactService(service: Service): Service {
  const out: Service = { ...service, environment: maskValues(service.environment) as Service['environment'] };
  if (service.build?.args)
    out.build = { ...service.build, args: maskValues(service.build.args) as Record<string, string | null> };
  for (const hook of ['post_start', 'pre_stop'] as const) {
    const hooks = service[hook];
    if (hooks) out[hook] = hooks.map((h) => (h.environment ? { ...h, environment: maskValues(h.environment) } : h));
  }
  if (!service.environment) delete out.environment;
  return out;
}

/** A copy of the project safe to print: credential-like variables and secret contents masked. */
export function redactProject(project: Project): Project {
  return {
    ...project,
    services: Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, redactService(s)])),
    secrets: Object.fromEntries(
      Object.entries(project.secrets).map(([k, s]) => [k, s.content === undefined ? s : { ...s, content: MASK }]),
    ),
  };
}

/** The values of the credential-like variables in `variables`. */
export function sensitiveValues(variables: Variables | undefined): string[] {
  if (!variables) return [];
  return Object.entries(variables).flatMap(([name, value]) =>
    typeof value === 'string' && isSensitiveName(name) ? [value] : [],
  );
}

/**
 * Every secret value a loaded project knows: credential-like variables of the interpolation
 * environment, of each service's environment, build args and hooks, and each secret's content
 * (an `environment:` secret's variable counts whatever its name).
 */
export function projectSecrets(loaded: Pick<LoadedProject, 'project' | 'environment' | 'disabledServices'>): string[] {
  const { project, environment } = loaded;
  const services = [...Object.values(project.services), ...Object.values(loaded.disabledServices)];
  const variables = services.flatMap((s) => [
    s.environment,
    s.build?.args,
    ...[...(s.post_start ?? []), ...(s.pre_stop ?? [])].map((h) => h.environment),
  ]);
  const secrets = Object.values(project.secrets).flatMap((s) => [
    s.content,
    s.environment === undefined ? undefined : environment[s.environment],
  ]);
  return [
    ...sensitiveValues(environment),
    ...variables.flatMap(sensitiveValues),
    ...secrets.filter((v): v is string => v !== undefined),
  ];
}

/** Masks a set of secret values wherever they appear in text or in plain data. */
export class Redactor {
  private readonly values: ReadonlySet<string>;
  private readonly pattern?: RegExp;

  constructor(values: Iterable<string> = []) {
    const kept = new Set<string>();
    for (const value of values) {
      if (value.length < MIN_MASKED_LENGTH) continue;
      kept.add(value);
      // As a JSON string prints it (a quote, backslash or newline escaped), so quoted output is masked too.
      kept.add(JSON.stringify(value).slice(1, -1));
    }
    this.values = kept;
    // Longest first: a secret that contains another is masked whole, not around the shorter one.
    const alternatives = [...kept].sort((a, b) => b.length - a.length).map(escapeRegExp);
    if (alternatives.length) this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  /** This redactor's values and `more`. */
  with(more: Iterable<string>): Redactor {
    return new Redactor([...this.values, ...more]);
  }

  text(text: string): string {
    return this.pattern ? text.replace(this.pattern, MASK) : text;
  }

  /** A copy of plain data (lists, plain objects) with every string masked; keys are names and kept. */
  deep<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v)]));
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
