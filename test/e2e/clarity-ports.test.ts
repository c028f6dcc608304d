// Issue 19, item 3: a published port that another container or process holds is refused before
// anything is created, naming the holder and the compose line of the port.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, useProject, type TestProject } from './harness.js';

const projects: TestProject[] = [];
let server: Server | undefined;
let udp: Socket | undefined;
afterEach(async () => {
  for (const p of projects.splice(0)) await p.cleanup();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
  server = undefined;
  udp = undefined;
});

async function project(fixture = 'clarity-ports'): Promise<TestProject> {
  const p = await useProject(fixture);
  projects.push(p);
  return p;
}

describe('a published port someone else holds', () => {
  it('is refused before any container starts, naming the container and project that hold it', async () => {
    const port = String(await freePort());
    const holder = await project();
    expect((await holder.cli(['up', '-d', 'web'], { WEB_PORT: port })).code).toBe(0);
    const [held] = await holder.containers('web');
    expect(held.State).toBe('running');

    const second = await project();
    const result = await second.cli(['up', '-d'], { WEB_PORT: port });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`/compose.yaml:13:7: services.web.ports[0]: port 127.0.0.1:${port}/tcp`);
    expect(result.stderr).toContain(`in use by container ${holder.name}-web-1 (project ${holder.name})`);
    // Nothing was created, not even the dependency that would have started first.
    expect(await second.containers()).toEqual([]);
  });

  it('is refused when a process on this host listens on it', async () => {
    const port = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const p = await project();
    const result = await p.cli(['up', '-d'], { WEB_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port 127.0.0.1:${port}/tcp is already in use by a process on this host`);
    expect(await p.containers()).toEqual([]);
  });

  it('is refused when a process on this host holds it as a UDP port', async () => {
    const port = await freePort();
    udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp!.bind(port, '127.0.0.1', resolve));
    const p = await project('clarity-ports-udp');
    const result = await p.cli(['up', '-d'], { DNS_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`/compose.yaml:8:7: services.dns.ports[0]: port 127.0.0.1:${port}/udp`);
    expect(result.stderr).toContain('is already in use by a process on this host');
    expect(await p.containers()).toEqual([]);
    // Once the process lets go, the same up publishes it, and a second up keeps the container.
    await new Promise<void>((resolve) => udp!.close(() => resolve()));
    udp = undefined;
    expect((await p.cli(['up', '-d'], { DNS_PORT: String(port) })).code).toBe(0);
    const [first] = await p.containers('dns');
    expect(first.Ports).toContainEqual(expect.objectContaining({ PublicPort: port, Type: 'udp' }));
    expect((await p.cli(['up', '-d'], { DNS_PORT: String(port) })).code).toBe(0);
    expect((await p.containers('dns'))[0].Id).toBe(first.Id);
  });

  it("a project's own container keeps its port across a second up", async () => {
    const p = await project();
    const env = { WEB_PORT: String(await freePort()) };
    expect((await p.cli(['up', '-d'], env)).code).toBe(0);
    const [before] = await p.containers('web');
    const again = await p.cli(['up', '-d'], env);
    expect(again).toMatchObject({ code: 0 });
    const [after] = await p.containers('web');
    expect(after.Id).toBe(before.Id);
  });
});
