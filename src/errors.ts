// Typed errors. Every error a user can cause carries where it came from, so the CLI can print
// one precise line and a library user can act on `code` without parsing messages.

/** A place in a compose or env file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export type ErrorCode =
  | 'yaml'
  | 'interpolation'
  | 'schema'
  | 'env-file'
  | 'include'
  | 'extends'
  | 'merge'
  | 'reference'
  | 'cycle'
  | 'project-name'
  | 'file-not-found'
  | 'engine-unreachable'
  | 'engine'
  | 'pull'
  | 'build'
  | 'dependency-failed'
  | 'timeout'
  | 'usage'
  | 'lock'
  /** Something the project needs (a host port, a name) is held by something else. */
  | 'conflict'
  | 'interrupted';

export class BerthError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BerthError';
    this.code = code;
  }
}

/** A compose file, env file or option that berth cannot load. Nothing was sent to the engine. */
export class LoadError extends BerthError {
  /** Where the offending node is, when known. */
  readonly position?: SourcePosition;
  /** Dotted path of the offending node, e.g. `services.web.ports[1]`. */
  readonly path?: string;
  /** The message without the location prefix. */
  readonly detail: string;
  constructor(code: ErrorCode, detail: string, where: { position?: SourcePosition; path?: string } = {}) {
    super(code, formatLocated(detail, where.position, where.path));
    this.name = 'LoadError';
    this.detail = detail;
    this.position = where.position;
    this.path = where.path;
  }
}

function formatLocated(detail: string, position?: SourcePosition, path?: string): string {
  const at = position
    ? [position.file, position.line, position.column].filter((p) => p !== undefined).join(':')
    : undefined;
  const parts = [at, path].filter(Boolean).join(': ');
  return parts ? `${parts}: ${detail}` : detail;
}

/** Several errors of one compose file, reported at once; the first one's position and path stand for all. */
export class LoadErrors extends LoadError {
  constructor(readonly errors: LoadError[]) {
    super(errors[0].code, errors[0].detail, { position: errors[0].position, path: errors[0].path });
    this.name = 'LoadErrors';
    // One line each, located as each is.
    this.message = errors.map((e) => e.message).join('\n');
  }
}

/** A failure of one service while applying a plan; names the service. */
export class ServiceError extends BerthError {
  readonly service: string;
  constructor(code: ErrorCode, service: string, message: string, options?: { cause?: unknown }) {
    super(code, `service "${service}": ${message}`, options);
    this.name = 'ServiceError';
    this.service = service;
  }
}

/** The HTTP status of a failed engine call (the engine client puts it on its error), if any. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine has no such object (HTTP 404). */
export const isNotFound = (err: unknown): boolean => engineStatus(err) === 404;
/** The engine refused because of a name or state conflict (HTTP 409). */
export const isConflict = (err: unknown): boolean => engineStatus(err) === 409;
/** The engine had nothing to do: already started or stopped (HTTP 304). */
export const isNotModified = (err: unknown): boolean => engineStatus(err) === 304;

/**
 * A failed engine call whose connection was refused or missing (nothing listens: the engine
 * stopped) or cut while in use (it went away mid-call).
 */
export function isConnectionLost(err: unknown): boolean {
  const { code, syscall, message } = (err ?? {}) as NodeJS.ErrnoException;
  if (code === 'ECONNREFUSED' || code === 'ENOENT') return syscall === 'connect';
  return code === 'ECONNRESET' || code === 'EPIPE' || message === 'socket hang up';
}

/** The engine's own message for a failed call, without dockerode's decoration; a lost connection says what to do. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: string } } | undefined)?.json;
  const message = (json?.message || (err as Error | undefined)?.message || String(err)).trim();
  if (isConnectionLost(err)) {
    return `lost the connection to the Docker Engine (${message}): it may be restarting; run the command again once it answers`;
  }
  return message;
}
