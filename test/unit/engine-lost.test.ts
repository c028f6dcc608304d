// An engine that goes away in the middle of a command (it restarts) is named as such, not
// mistaken for a failing container. A stopping dockerd removes its socket at once, yet goes
// on answering on connections kept alive from before, where its containers are seen stopping
// with their health "unhealthy"; the fake engine below does the same.
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { lostConnection } from '../../src/engine/connect.js';
import { engineMessage } from '../../src/errors.js';
import { ContainerEvents, isHealthy } from '../../src/engine/wait.js';

const lost =
  /^lost the connection to the Docker Engine \(.+\): it may be restarting; run the command again once it answers$/;

describe('a lost engine connection in messages', () => {
  it('names a refused, missing or cut connection as lost, and keeps other messages as they are', () => {
    const errno = (code: string, syscall: string, message: string) =>
      Object.assign(new Error(message), { code, syscall });
    expect(engineMessage(errno('ENOENT', 'connect', 'connect ENOENT /run/docker.sock'))).toMatch(lost);
    expect(engineMessage(errno('ECONNREFUSED', 'connect', 'connect ECONNREFUSED 127.0.0.1:2375'))).toMatch(lost);
    expect(engineMessage(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toMatch(lost);
    expect(engineMessage(new Error('socket hang up'))).toMatch(lost);
    // A missing file is not a missing engine.
    expect(engineMessage(errno('ENOENT', 'open', "ENOENT: no such file or directory, open 'x'"))).toBe(
      "ENOENT: no such file or directory, open 'x'",
    );
    expect(
      engineMessage(
        Object.assign(new Error('(HTTP code 404) no such container'), { json: { message: 'No such container: x\n' } }),
      ),
    ).toBe('No such container: x');
  });
});

describe('waits while the engine stops', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    server = dir = undefined;
  });

  /** A fake engine on a unix socket: `gate` is unhealthy and stopped (as a stopping engine shows it), `fine` is healthy. */
  async function fakeEngine() {
    dir = mkdtempSync(join(tmpdir(), 'berth-fake-engine-'));
    const socketPath = join(dir, 'docker.sock');
    const served: string[] = [];
    const state = (name: string, status: string, health: string) => ({
      Name: `/${name}`,
      State: {
        Status: status,
        Running: status === 'running',
        ExitCode: status === 'running' ? 0 : 143,
        Health: { Status: health, Log: [] },
      },
    });
    const containers: Record<string, unknown> = {
      fine: state('fine', 'running', 'healthy'),
      gate: state('gate', 'exited', 'unhealthy'),
    };
    server = createServer((req, res) => {
      served.push(req.url ?? '');
      const inspect = /^\/containers\/(\w+)\/json/.exec(req.url ?? '');
      if (req.url?.startsWith('/events')) res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
      else if (inspect)
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(containers[inspect[1]]));
      else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
    });
    await new Promise<void>((resolve) => server!.listen(socketPath, resolve));
    // Kept-alive connections, as Node's default agent keeps them.
    const engine = new Docker({ socketPath, agent: new Agent({ keepAlive: true }) } as Docker.DockerOptions);
    return { engine, served, stop: () => unlinkSync(socketPath) };
  }

  it('a container that stopped while the engine answers fails its wait on its own account', async () => {
    const { engine } = await fakeEngine();
    const events = new ContainerEvents(engine, 'p');
    await expect(events.waitFor('gate', isHealthy)).rejects.toThrow(/^container gate exited with code 143$/);
    expect(await lostConnection(engine)).toBeUndefined();
    events.close();
  });

  it('a container seen unhealthy while the engine stops fails its wait with the lost connection', async () => {
    const { engine, served, stop } = await fakeEngine();
    const events = new ContainerEvents(engine, 'p');
    await events.waitFor('fine', isHealthy);
    stop();
    await expect(events.waitFor('gate', isHealthy)).rejects.toMatchObject({
      code: 'engine-unreachable',
      message: expect.stringMatching(lost),
    });
    // The stopping engine did answer, on the connection kept from before.
    expect(served).toContain('/containers/gate/json');
    events.close();
  });
});
