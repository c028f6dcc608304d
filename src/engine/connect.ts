// Connecting to the Docker Engine the way the docker CLI does: the endpoint of the chosen
// context (see docker-context.ts), over a unix socket, tcp (TLS when the endpoint has it), a
// Windows named pipe, or ssh. Any other address is refused rather than guessed at.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { BerthError, engineMessage, isConnectionLost } from '../errors.js';
import { engineTimeoutMs, guardRequests } from './guard.js';
import { resolveEndpoint, type EngineEndpoint } from './docker-context.js';
import { SshAgent, sshArgs } from './ssh-dial.js';

export type Engine = Docker;

type Refuse = (detail: string) => Error;
/** Dockerode's options, with the agent it takes (its types leave it out). */
type Transport = Docker.DockerOptions & { agent?: HttpAgent };

/** Dockerode options for an environment (and the command line's `--context`); exported for tests. */
export function engineOptions(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): Transport & { describe: string; context?: string } {
  const endpoint = resolveEndpoint(env, platform);
  // An address may carry a password (refused below); no message shows it.
  const shown = endpoint.host.replace(/^([a-z]+:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
  const describe = endpoint.context ? `${shown} (context "${endpoint.context}")` : shown;
  const named = endpoint.context ? `Docker context "${endpoint.context}" (${shown})` : `DOCKER_HOST "${shown}"`;
  const refuse: Refuse = (detail) => new BerthError('engine-unreachable', `${named}: ${detail}`);
  return { ...UNSET, ...transport(endpoint, platform, refuse), describe, context: endpoint.context };
}

/**
 * The engine client fills each option left out from the process's own DOCKER_HOST and
 * DOCKER_CERT_PATH, whichever endpoint was chosen (a host beside a socket path wins, and an
 * ssh:// one makes it dial through its own ssh library): every one is given.
 */
const UNSET: Transport = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: 'http',
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
};

function transport(endpoint: EngineEndpoint, platform: NodeJS.Platform, refuse: Refuse): Transport {
  const scheme = /^([a-z]+):\/\//i.exec(endpoint.host)?.[1].toLowerCase();
  const rest = endpoint.host.slice((scheme?.length ?? 0) + 3);
  switch (scheme) {
    case 'unix':
      if (!rest) throw refuse('it names no socket path');
      return { socketPath: rest };
    case 'npipe':
      if (platform !== 'win32') throw refuse('a named pipe exists only on Windows');
      return { socketPath: rest || '//./pipe/docker_engine' };
    case 'tcp':
      return tcpOptions(endpoint, refuse);
    case 'ssh':
      // Every request goes through the agent's ssh. The socket path is never dialled, and could
      // not be (nothing exists under /dev/null), should a request ever bypass the agent.
      return { socketPath: '/dev/null/ssh', agent: new SshAgent(sshArgs(parseUrl(endpoint.host, refuse), refuse)) };
    default:
      throw refuse(
        `${scheme ? `the scheme "${scheme}://" is not supported` : 'it has no scheme'}: berth speaks unix://, tcp://, ssh://${platform === 'win32' ? ' and npipe://' : ''}`,
      );
  }
}

function tcpOptions({ host, tls }: EngineEndpoint, refuse: Refuse): Transport {
  const url = parseUrl(host, refuse);
  if (!url.hostname) throw refuse('it names no host');
  if (url.username || url.search || url.hash || url.pathname.replace(/\//g, ''))
    throw refuse('a tcp:// address is a host and a port, nothing more');
  const base = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || (tls ? 2376 : 2375)) };
  if (!tls) return { ...base, protocol: 'http' };
  // Without verification (DOCKER_TLS alone, or a context's SkipTLSVerify) it still encrypts, as the docker CLI does.
  const agent = tls.verify ? undefined : new HttpsAgent({ keepAlive: true, rejectUnauthorized: false });
  return { ...base, protocol: 'https', ca: tls.ca, cert: tls.cert, key: tls.key, ...(agent ? { agent } : {}) };
}

function parseUrl(host: string, refuse: Refuse): URL {
  try {
    return new URL(host);
  } catch {
    throw refuse('it is not a valid address');
  }
}

/** A connected engine client; fails with one clear line when no engine answers. */
export async function connectEngine(
  env: Record<string, string | undefined> = process.env,
  guard: { signal?: AbortSignal } = {},
): Promise<Engine> {
  const { describe, context, ...options } = engineOptions(env);
  const limitMs = engineTimeoutMs(env);
  const docker = new Docker({
    ...options,
    agent: options.agent ?? plainAgent(options),
    timeout: 0,
  } as Docker.DockerOptions);
  // Time limits, the interrupt and the check of answers, for every request made on this connection.
  guardRequests(docker.modem, { describe, limitMs, signal: guard.signal });
  try {
    await docker.ping();
  } catch (err) {
    if (err instanceof BerthError) throw err;
    const reason = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new BerthError(
      'engine-unreachable',
      `cannot reach the Docker Engine at ${describe} (${reason}): is dockerd running, and is ${context ? `context "${context}"` : 'DOCKER_HOST'} right?`,
    );
  }
  return docker;
}

/**
 * Node works out a TLS server name for every request it sends, even over a unix socket, and
 * compiles a large IPv6 expression to do so the first time: milliseconds at every start. Plain
 * HTTP has no use for a server name; TLS keeps Node's own agent.
 */
function plainAgent(options: Docker.DockerOptions): HttpAgent | undefined {
  if (options.protocol === 'https') return undefined;
  const agent = new HttpAgent({ keepAlive: true, servername: '' } as ConstructorParameters<typeof HttpAgent>[0]);
  // The engine client formats each request's options for its debug log, even when that log is
  // off, walking every object it holds: it must not walk the agent and all its sockets.
  Object.defineProperty(agent, inspect.custom, { value: () => 'Agent' });
  return agent;
}

/**
 * The error to report when the engine takes no new connection, asked on one of its own: a
 * stopping engine goes on answering on connections kept alive from before (where its
 * containers are seen stopping, their health "unhealthy"), but it listens no more.
 * Undefined when it answers, or when the transport cannot be asked afresh (ssh).
 */
export async function lostConnection(engine: Engine): Promise<BerthError | undefined> {
  const { socketPath, host, port, protocol, ca, cert, key, agent: own } = engine.modem as Transport;
  if ((protocol !== 'http' && protocol !== 'https') || own instanceof SshAgent) return undefined;
  // A new agent has no kept-alive connection to hand out.
  const agent = protocol === 'https' ? new HttpsAgent() : new HttpAgent();
  const probe = new Docker({
    socketPath,
    host,
    port,
    protocol,
    ca,
    cert,
    key,
    agent,
    timeout: 10_000,
  } as Docker.DockerOptions);
  try {
    await probe.ping();
    return undefined;
  } catch (err) {
    return isConnectionLost(err) ? new BerthError('engine-unreachable', engineMessage(err), { cause: err }) : undefined;
  } finally {
    agent.destroy();
  }
}
