// The engine limit: what `up -d` and `down` of the bench project cost when made as plain API
// calls, all in parallel, with nothing else around them. Imported by run.mjs, or run as its
// own process (`node bench/direct-api.mjs up|down PROJECT N`) to include what any Node program
// pays to start and load the engine client.
import Docker from 'dockerode';
import { fileURLToPath } from 'node:url';

export async function directUp(docker, project, n) {
  await docker.createNetwork({ Name: `${project}_default` });
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c = await docker.createContainer({
        name: `${project}-s${i}-1`,
        Image: 'busybox',
        Cmd: ['sleep', '3600'],
        HostConfig: { Init: true, NetworkMode: `${project}_default` },
        NetworkingConfig: { EndpointsConfig: { [`${project}_default`]: { Aliases: [`s${i}`] } } },
      });
      await c.start();
    }),
  );
}

export async function directDown(docker, project) {
  const list = await docker.listContainers({ all: true, filters: { name: [`${project}-`] } });
  await Promise.all(
    list.map(async (c) => {
      const container = docker.getContainer(c.Id);
      await container.stop({ t: 10 }).catch(() => undefined);
      await container.remove({ force: true });
    }),
  );
  await docker
    .getNetwork(`${project}_default`)
    .remove()
    .catch((err) => {
      // Engine 20.10 now and then keeps a stale endpoint on a network whose containers are all
      // gone; the network then stays until the engine restarts. The work was done: go on.
      if (err.statusCode !== 403) throw err;
      console.error(`(kept network ${project}_default: ${err.json?.message ?? err.message})`);
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, project, n] = process.argv.slice(2);
  const docker = new Docker();
  await (command === 'up' ? directUp(docker, project, Number(n)) : directDown(docker, project));
}
