// Connecting to the Docker Engine the way the docker CLI does: DOCKER_HOST (unix socket or
// tcp), TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, else the default socket.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { BerthError, engineMessage, isConnectionLost } from '../errors.js';
import { engineTimeoutMs, guardRequests } from './guard.js';

export type Engine = Docker;

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Dockerode options for an environment; exported for tests. */
export function engineOptions(env: Record<string, string | undefined>): Docker.DockerOptions & { describe: string } {
  const host = env.DOCKER_HOST;
  if (!host || host.startsWith('unix://')) {
    const socketPath = host ? host.slice('unix://'.length) : DEFAULT_SOCKET;
    return { socketPath, describe: `unix://${socketPath}` };
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const tls = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  if (!url.hostname) throw new BerthError('engine-unreachable', `DOCKER_HOST "${host}" names no host`);
  const base = { host: url.hostname, port: Number(url.port || (tls ? 2376 : 2375)), describe: host };
  if (!tls) return { ...base, protocol: 'http' };
  const certDir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const read = (f: string) => {
    try {
      return readFileSync(join(certDir, f));
    } catch {
      throw new BerthError('engine-unreachable', `DOCKER_TLS_VERIFY is set but ${join(certDir, f)} cannot be read (set DOCKER_CERT_PATH)`);
    }
  };
  return { ...base, protocol: 'https', ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** A connected engine client; fails with one clear line when no engine answers. */
export async function connectEngine(env: Record<string, string | undefined> = process.env, guard: { signal?: AbortSignal } = {}): Promise<Engine> {
  const { describe, ...options } = engineOptions(env);
  const limitMs = engineTimeoutMs(env);
  const docker = new Docker({ ...options, agent: plainAgent(options), timeout: 0 } as Docker.DockerOptions);
  // Time limits, the interrupt and the check of answers, for every request made on this connection.
  guardRequests(docker.modem, { describe, limitMs, signal: guard.signal });
  try {
    await docker.ping();
  } catch (err) {
    if (err instanceof BerthError) throw err;
    const reason = (err as Error).message?.split('\n')[0] ?? String(err);
    throw new BerthError('engine-unreachable', `cannot reach the Docker Engine at ${describe} (${reason}): is dockerd running, and is DOCKER_HOST right?`);
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
  const { socketPath, host, port, protocol, ca, cert, key } = engine.modem as Docker.DockerOptions;
  if (protocol !== 'http' && protocol !== 'https') return undefined;
  // A new agent has no kept-alive connection to hand out.
  const agent = protocol === 'https' ? new HttpsAgent() : new HttpAgent();
  const probe = new Docker({ socketPath, host, port, protocol, ca, cert, key, agent, timeout: 10_000 } as Docker.DockerOptions);
  try {
    await probe.ping();
    return undefined;
  } catch (err) {
    return isConnectionLost(err) ? new BerthError('engine-unreachable', engineMessage(err), { cause: err }) : undefined;
  } finally {
    agent.destroy();
  }
}
