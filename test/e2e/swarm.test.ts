// `berth deploy` / `undeploy` / `ps` on a single-node Swarm (the test engine, in swarm mode
// through test/bed/swarm.sh). Every service is pinned to the manager.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envOf, testEngine, useProject, type TestProject } from './harness.js';
import { cleanupStack, liveTasks, requireSwarm, runningTasks, service, stackResources } from './swarm-helpers.js';

let project: TestProject;

beforeAll(async () => {
  await requireSwarm(await testEngine());
});

afterEach(async () => {
  if (project) await cleanupStack(project);
});

async function deploy(args: string[] = [], env: Record<string, string> = {}) {
  const result = await project.cli(['deploy', '--wait', '--wait-timeout', '60', ...args], env);
  if (result.code !== 0) throw new Error(`deploy exited with ${result.code}: ${result.stderr}`);
  return result;
}

const ids = (tasks: { ID: string }[]) => tasks.map((t) => t.ID).sort();
const containerOf = (task: { Status: { ContainerStatus?: { ContainerID?: string } } }) =>
  task.Status.ContainerStatus!.ContainerID!;

describe('deploy', () => {
  it('creates the stack: services, an overlay network, secrets and configs, all labelled with the namespace', async () => {
    project = await useProject('swarm-stack');
    const name = project.name;

    // deploy --wait returns once every service has converged, and reports what Swarm ignores.
    const { stderr } = await deploy();
    expect(stderr).toMatch(/warning: service "web": privileged is ignored by Swarm/);

    // The resources of the stack, named as Docker's stack tooling names them.
    const resources = await stackResources(project);
    expect(resources.services).toEqual([`${name}_migrate`, `${name}_web`]);
    // web's network, and the implicit default network of migrate.
    expect(resources.networks).toEqual([`${name}_default`, `${name}_front`]);
    expect(resources.secrets).toEqual([expect.stringMatching(new RegExp(`^${name}_token-[0-9a-f]{12}$`))]);
    expect(resources.configs).toEqual([expect.stringMatching(new RegExp(`^${name}_settings-[0-9a-f]{12}$`))]);

    const network = await project.engine.getNetwork(`${name}_front`).inspect();
    expect(network).toMatchObject({ Driver: 'overlay', Scope: 'swarm', Attachable: true });

    const web = await service(project, 'web');
    expect(web.Spec.Labels).toMatchObject({
      'com.docker.stack.namespace': name,
      'com.docker.compose.project': name,
      'com.docker.compose.service': 'web',
      owner: 'team-a',
    });
    expect(web.Spec.Labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(web.Spec.Mode).toEqual({ Replicated: { Replicas: 2 } });

    // Both replicas run (healthy: the healthcheck reads the secret), with env_file and environment merged.
    const tasks = await runningTasks(project, 'web');
    expect(tasks).toHaveLength(2);
    const container = containerOf(tasks[0]);
    expect(await envOf(project.engine, container)).toMatchObject({ GREETING: 'hello', FROM_FILE: 'yes' });
    expect(await project.exec(container, ['cat', '/run/secrets/token'])).toBe('first-secret\n');
    expect(await project.exec(container, ['cat', '/etc/web.conf'])).toBe('mode=a');
    const labels = (await project.engine.getContainer(container).inspect()).Config.Labels;
    expect(labels).toMatchObject({ tier: 'front', 'com.docker.stack.namespace': name });

    // The job ran to completion.
    expect((await liveTasks(project, 'migrate')).map((t) => t.Status.State)).toEqual(['complete']);
  });

  it('an unchanged deploy changes nothing: same service versions, same tasks', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    const before = await service(project, 'web');
    const tasksBefore = ids(await runningTasks(project, 'web'));

    // The plan of an unchanged project is empty.
    const dry = await project.cli(['deploy', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(
      dry.stdout
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('warning:') && l !== 'nothing to do'),
    ).toEqual([]);

    await deploy();
    const after = await service(project, 'web');
    expect(after.Version.Index).toBe(before.Version.Index);
    expect(ids(await runningTasks(project, 'web'))).toEqual(tasksBefore);
  });

  it('an environment or image change rolls the service: a new version, every task replaced', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    const v1 = await service(project, 'web');
    const tasksV1 = ids(await runningTasks(project, 'web'));

    // The dry run names the update and why.
    const dry = await project.cli(['deploy', '--dry-run'], { GREETING: 'bye' });
    expect(dry.stdout).toContain('service:web update-service (config hash changed)');

    await deploy([], { GREETING: 'bye' });
    const v2 = await service(project, 'web');
    expect(v2.ID).toBe(v1.ID);
    expect(v2.Version.Index).toBeGreaterThan(v1.Version.Index);
    const tasksV2 = await runningTasks(project, 'web');
    expect(tasksV2).toHaveLength(2);
    expect(ids(tasksV2).filter((id) => tasksV1.includes(id))).toEqual([]);
    expect((await envOf(project.engine, containerOf(tasksV2[0]))).GREETING).toBe('bye');

    // Another image reference is a new task template too.
    await deploy([], { GREETING: 'bye', IMAGE: 'berth-test/busybox:latest' });
    const v3 = await service(project, 'web');
    expect(v3.Spec.TaskTemplate.ContainerSpec.Image).toBe('berth-test/busybox:latest');
    expect(v3.Version.Index).toBeGreaterThan(v2.Version.Index);
    const tasksV3 = await runningTasks(project, 'web');
    expect(ids(tasksV3).filter((id) => ids(tasksV2).includes(id))).toEqual([]);
  });

  it('a changed replica count scales the service, keeping the tasks that run', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    const before = ids(await runningTasks(project, 'web'));

    await deploy([], { REPLICAS: '3' });
    expect((await service(project, 'web')).Spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    const scaled = ids(await runningTasks(project, 'web'));
    expect(scaled).toHaveLength(3);
    expect(scaled).toEqual(expect.arrayContaining(before));

    await deploy([], { REPLICAS: '1' });
    await expect.poll(async () => (await runningTasks(project, 'web')).length, { timeout: 30_000 }).toBe(1);
  });

  it('a changed secret is rotated: a new secret, the service moved to it, the old one removed', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    const secretRefs = async () => (await service(project, 'web')).Spec.TaskTemplate.ContainerSpec.Secrets ?? [];
    const before = await secretRefs();
    expect(before, 'web refers to one secret').toHaveLength(1);
    expect((await project.engine.getSecret(before[0].SecretID).inspect()).Spec?.Name).toBe(before[0].SecretName);

    project.write('token.txt', 'second-secret\n');
    await deploy();

    // The service refers to a new secret under the same target; the engine holds that one only.
    const after = await secretRefs();
    expect(after, 'web refers to one secret').toHaveLength(1);
    expect(after[0].SecretID).not.toBe(before[0].SecretID);
    expect(after[0].SecretName).not.toBe(before[0].SecretName);
    expect(after[0].File?.Name).toBe(before[0].File?.Name);
    expect((await project.engine.getSecret(after[0].SecretID).inspect()).Spec?.Name).toBe(after[0].SecretName);
    await expect(project.engine.getSecret(before[0].SecretID).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await stackResources(project)).secrets).toEqual([after[0].SecretName]);

    // Every running task was made with the new secret and reads its content.
    await expect.poll(async () => (await runningTasks(project, 'web')).length, { timeout: 30_000 }).toBe(2);
    for (const task of await runningTasks(project, 'web')) {
      expect(task.Spec.ContainerSpec.Secrets?.map((s) => s.SecretID)).toEqual([after[0].SecretID]);
      expect(await project.exec(containerOf(task), ['cat', '/run/secrets/token'])).toBe('second-secret\n');
    }
  });

  it('deploy --wait fails naming the service and its task errors when no task can start', async () => {
    project = await useProject('swarm-broken');
    const result = await project.cli(['deploy', '--wait', '--wait-timeout', '8']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: service "app": not converged within 8 s \(0\/1 tasks running; task errors: .*No such image: berth-test\/not-built:1/,
    );
  });
});

describe('undeploy', () => {
  it('leaves nothing of the stack behind: services, networks, secrets and configs', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    expect((await stackResources(project)).services).toHaveLength(2);

    const result = await project.cli(['undeploy']);
    expect(result.code).toBe(0);
    const after = await stackResources(project);
    expect({ ...after, networks: [] }).toEqual({ services: [], networks: [], secrets: [], configs: [] });
    // The manager removes the network at once; this engine lets go of it when its tasks are gone.
    await expect.poll(async () => (await stackResources(project)).networks, { timeout: 30_000 }).toEqual([]);

    // A second undeploy finds nothing to do.
    const again = await project.cli(['undeploy']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('is not deployed');
  });
});

describe('ps on a deployed stack', () => {
  it('lists the tasks per node with their desired and current state', async () => {
    project = await useProject('swarm-stack');
    await deploy();
    const hostname = ((await project.engine.info()) as { Name: string }).Name;

    const json = await project.cli(['ps', '--format', 'json']);
    expect(json.code).toBe(0);
    const tasks = JSON.parse(json.stdout) as {
      name: string;
      service: string;
      node: string;
      desiredState: string;
      state: string;
    }[];
    expect(tasks.filter((t) => t.service === 'web').map((t) => [t.name, t.node, t.desiredState, t.state])).toEqual([
      [`${project.name}_web.1`, hostname, 'running', 'running'],
      [`${project.name}_web.2`, hostname, 'running', 'running'],
    ]);
    expect(tasks.filter((t) => t.service === 'migrate').map((t) => t.state)).toEqual(['complete']);

    // The table is the docker stack ps view: one line per task.
    const table = await project.cli(['ps', 'web']);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'NAME',
      'SERVICE',
      'IMAGE',
      'NODE',
      'DESIRED STATE',
      'CURRENT STATE',
      'ERROR',
    ]);
    expect(lines).toHaveLength(3);
  });

  it('names the known services when asked for an unknown one', async () => {
    project = await useProject('swarm-stack');
    const result = await project.cli(['ps', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no such service: "nope" (services: web, migrate)');
  });
});
