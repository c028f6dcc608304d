// Which Docker Engine to talk to, chosen as the docker CLI chooses it: the `--context` flag,
// then DOCKER_HOST (the default context), then DOCKER_CONTEXT, then `currentContext` in the
// CLI's config.json. A named context is read from the CLI's context store; the context named
// `default` is DOCKER_HOST with its TLS variables, or the local socket.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { readTextFile, readRegularFile } from '../loader/read-file.js';

type Env = Record<string, string | undefined>;

export interface EngineEndpoint {
  /** The engine's address: `unix://`, `tcp://`, `ssh://` or `npipe://`. */
  host: string;
  /** The named context it belongs to; absent for the default context. */
  context?: string;
  /** TLS for a `tcp://` address; absent: plain HTTP. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify: boolean };
}

let flagContext: string | undefined;

/** The context named by the command line's `--context`, which outranks every variable. */
export function useContextFlag(name: string | undefined): void {
  flagContext = name;
}

export function resolveEndpoint(
  env: Env,
  platform: NodeJS.Platform = process.platform,
  flag = flagContext,
): EngineEndpoint {
  const configDir = env.DOCKER_CONFIG || join(homedir(), '.docker');
  const chosen = contextName(env, configDir, flag);
  return chosen.name === 'default'
    ? defaultEndpoint(env, configDir, platform)
    : storedEndpoint(chosen.name, chosen.from, configDir);
}

function contextName(env: Env, configDir: string, flag: string | undefined): { name: string; from: string } {
  if (flag) return { name: flag, from: '--context' };
  if (env.DOCKER_HOST) return { name: 'default', from: 'DOCKER_HOST' };
  if (env.DOCKER_CONTEXT) return { name: env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT' };
  const file = join(configDir, 'config.json');
  const text = readTextFile(file, { what: 'Docker config file', code: 'engine-unreachable', ifExists: true });
  if (text === undefined) return { name: 'default', from: '' };
  let current: unknown;
  try {
    current = (JSON.parse(text) as { currentContext?: unknown } | null)?.currentContext;
  } catch (err) {
    throw new BerthError(
      'engine-unreachable',
      `${file} is not valid JSON (${(err as Error).message}): it names the current Docker context`,
    );
  }
  return typeof current === 'string' && current
    ? { name: current, from: `currentContext in ${file}` }
    : { name: 'default', from: '' };
}

/** DOCKER_HOST, with TLS as the docker CLI turns it on: DOCKER_TLS_VERIFY, or DOCKER_TLS without verification. */
function defaultEndpoint(env: Env, configDir: string, platform: NodeJS.Platform): EngineEndpoint {
  if (!env.DOCKER_HOST) {
    const host = platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
    return { host };
  }
  const endpoint: EngineEndpoint = { host: env.DOCKER_HOST };
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!isTcp(endpoint.host) || !(verify || env.DOCKER_TLS)) return endpoint;
  const certDir = env.DOCKER_CERT_PATH || configDir;
  const read = (name: string, required: boolean) => {
    const file = join(certDir, name);
    const data = readRegularFile(file, { what: 'TLS file', code: 'engine-unreachable', ifExists: true });
    if (!data && required)
      throw new BerthError(
        'engine-unreachable',
        `TLS is on (DOCKER_TLS_VERIFY or DOCKER_TLS) but ${file} does not exist (set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem)`,
      );
    return data;
  };
  // As the docker CLI: the CA must be there, a client certificate is used when present.
  return {
    ...endpoint,
    tls: { ca: read('ca.pem', true), cert: read('cert.pem', false), key: read('key.pem', false), verify },
  };
}

/** A context from the docker CLI's store: `contexts/meta/<sha256 of the name>/meta.json`, TLS files beside. */
function storedEndpoint(name: string, from: string, configDir: string): EngineEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = readTextFile(metaFile, {
    what: `the metadata of Docker context "${name}"`,
    code: 'engine-unreachable',
    ifExists: true,
  });
  if (text === undefined)
    throw new BerthError(
      'engine-unreachable',
      `Docker context "${name}" (from ${from}) does not exist: ${metaFile} is missing ("docker context ls" lists the contexts)`,
    );
  let docker: { Host?: unknown; SkipTLSVerify?: unknown } | undefined;
  try {
    docker = (JSON.parse(text) as { Endpoints?: { docker?: typeof docker } } | null)?.Endpoints?.docker;
  } catch (err) {
    throw new BerthError(
      'engine-unreachable',
      `${metaFile} is not valid JSON (${(err as Error).message}): it describes Docker context "${name}"`,
    );
  }
  if (typeof docker?.Host !== 'string' || !docker.Host)
    throw new BerthError(
      'engine-unreachable',
      `Docker context "${name}" names no Docker Engine address (Endpoints.docker.Host in ${metaFile})`,
    );
  const endpoint: EngineEndpoint = { host: docker.Host, context: name };
  if (!isTcp(endpoint.host)) return endpoint;
  // As the docker CLI: TLS when the context holds TLS files or skips verification.
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const read = (file: string) =>
    readRegularFile(join(tlsDir, file), {
      what: `a TLS file of Docker context "${name}"`,
      code: 'engine-unreachable',
      ifExists: true,
    });
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')];
  const skip = docker.SkipTLSVerify === true;
  return ca || cert || key || skip ? { ...endpoint, tls: { ca, cert, key, verify: !skip } } : endpoint;
}

function isTcp(host: string): boolean {
  return host.startsWith('tcp://');
}
