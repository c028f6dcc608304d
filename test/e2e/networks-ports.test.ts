import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { useProject, type TestProject } from './harness.js';

/** A TCP port free on 127.0.0.1 right now (the engine binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The body at a URL, or the error as text: a value expect.poll can compare. */
async function fetchText(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return await response.text();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

// Busybox's wget crashes in the test bed's static busybox; nc speaks HTTP well enough.
const httpGet = (host: string) => ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 8080`];
// Bounded: the embedded DNS answers at once, but a lookup must never hang the test.
const lookup = (name: string) => ['timeout', '5', 'nslookup', name];

describe('networks and ports', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a network alias must resolve, and serve, on its network only, and project networks must carry Compose labels', async () => {
    project = await useProject('networks-ports-aliases');
    await project.up();

    const networks = await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(networks.map((n) => n.Name).sort()).toEqual([`${project.name}_back`, `${project.name}_front`]);
    for (const key of ['front', 'back']) {
      const network = networks.find((n) => n.Name === `${project.name}_${key}`)!;
      expect(network.Labels?.[Label.network]).toBe(key);
      expect(network.Labels?.[Label.project]).toBe(project.name);
    }

    const only = async (service: string) => {
      const containers = await project.containers(service);
      expect(containers).toHaveLength(1);
      return project.engine.getContainer(containers[0].Id).inspect();
    };
    const [api, client, outsider] = await Promise.all(['api', 'client', 'outsider'].map(only));
    expect(Object.keys(api.NetworkSettings.Networks)).toEqual([`${project.name}_back`]);
    expect(api.NetworkSettings.Networks[`${project.name}_back`].Aliases).toContain('api.internal');
    expect(Object.keys(outsider.NetworkSettings.Networks)).toEqual([`${project.name}_front`]);

    // client, on back, reaches api by its alias (bounded: httpd may still be starting).
    await expect
      .poll(() => project.exec(client.Id, httpGet('api.internal')).catch((err: Error) => err.message), {
        timeout: 15_000,
        interval: 250,
      })
      .toContain('hello-from-api');
    const apiAddress = api.NetworkSettings.Networks[`${project.name}_back`].IPAddress;
    expect(await project.exec(client.Id, lookup('api.internal'))).toContain(apiAddress);

    // outsider, only on front, resolves neither the alias nor the service name.
    await expect(project.exec(outsider.Id, lookup('api.internal'))).rejects.toThrow(/can't find api\.internal/);
    await expect(project.exec(outsider.Id, lookup('api'))).rejects.toThrow(/can't find api\b/);
  });

  it('a port published on 127.0.0.1 at an interpolated host port must serve the container from the host', async () => {
    project = await useProject('networks-ports-publish');
    const port = await freePort();
    project.write('.env', `WEB_PORT=${port}\n`);
    await project.up();

    const web = (await project.containers('web'))[0];
    const info = await project.engine.getContainer(web.Id).inspect();
    expect(info.NetworkSettings.Ports['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    await expect
      .poll(() => fetchText(`http://127.0.0.1:${port}/`), { timeout: 15_000, interval: 250 })
      .toBe('hello-from-web\n');

    // down releases the port.
    await project.down();
    expect(await fetchText(`http://127.0.0.1:${port}/`)).toMatch(/^error: /);
  });
});
