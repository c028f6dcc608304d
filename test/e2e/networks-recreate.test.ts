import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { idsByName, useProject, type TestProject } from './harness.js';

// Bounded: the embedded DNS answers at once, but a lookup must never hang the test.
const lookup = (name: string) => ['timeout', '5', 'nslookup', name];
const CHANGED = 'BACK_TIER=two\nBACK_MTU=1400\n';

describe('network recreation', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const network = (key: string) =>
    project.engine.getNetwork(`${project.name}_${key}`).inspect() as Promise<Docker.NetworkInspectInfo>;
  const projectNetworks = async () =>
    (await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } }))
      .map((n) => n.Name)
      .sort();
  const only = async (service: string) => {
    const containers = await project.containers(service);
    expect(containers).toHaveLength(1);
    return project.engine.getContainer(containers[0].Id).inspect();
  };
  /** Both containers run, attached to the back network with this ID, and client resolves and reaches api there. */
  const expectOnBack = async (backId: string) => {
    const [api, client] = await Promise.all([only('api'), only('client')]);
    for (const c of [api, client]) {
      expect(c.State.Running).toBe(true);
      expect(c.NetworkSettings.Networks[`${project.name}_back`]?.NetworkID).toBe(backId);
    }
    const apiEndpoint = api.NetworkSettings.Networks[`${project.name}_back`];
    expect(apiEndpoint.Aliases).toContain('api');
    expect(apiEndpoint.IPAddress).not.toBe('');
    expect(await project.exec(client.Id, lookup('api'))).toContain(apiEndpoint.IPAddress);
    await project.exec(client.Id, ['ping', '-c', '1', '-W', '2', 'api']);
  };

  it('a changed network config must recreate that network only, and reconnect its containers, which keep their IDs and still reach each other by name', async () => {
    project = await useProject('networks-recreate');
    await project.up();
    expect(await projectNetworks()).toEqual([`${project.name}_back`, `${project.name}_default`]);
    const [back, defaultNet] = await Promise.all([network('back'), network('default')]);
    expect(back.Labels?.tier).toBe('one');
    const ids = await idsByName(project);
    expect(Object.keys(ids)).toHaveLength(2);
    await expectOnBack(back.Id);

    // An unchanged up keeps the network.
    await project.up();
    expect((await network('back')).Id).toBe(back.Id);
    expect(await idsByName(project)).toEqual(ids);

    // The network's labels and driver options change: a new network, with the new config.
    project.write('.env', CHANGED);
    await project.up();
    const recreated = await network('back');
    expect(recreated.Id).not.toBe(back.Id);
    expect(recreated.Labels?.tier).toBe('two');
    expect(recreated.Labels?.[Label.network]).toBe('back');
    expect(recreated.Labels?.[Label.configHash]).not.toBe(back.Labels?.[Label.configHash]);
    expect(recreated.Options?.['com.docker.network.driver.mtu']).toBe('1400');
    // The old network is gone, and the unchanged default network was left alone.
    await expect(project.engine.getNetwork(back.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await projectNetworks()).toEqual([`${project.name}_back`, `${project.name}_default`]);
    expect((await network('default')).Id).toBe(defaultNet.Id);

    // The services' own config did not change: same containers, reconnected to the new network.
    expect(await idsByName(project)).toEqual(ids);
    await expectOnBack(recreated.Id);
    expect((await only('client')).NetworkSettings.Networks[`${project.name}_default`]?.NetworkID).toBe(defaultNet.Id);
    // The new MTU is what api's interface has (back is its only network; the reconnect renames it).
    expect((await project.exec((await only('api')).Id, ['sh', '-c', 'cat /sys/class/net/eth*/mtu'])).trim()).toBe(
      '1400',
    );

    // Converged: another up changes nothing.
    await project.up();
    expect((await network('back')).Id).toBe(recreated.Id);
    expect(await idsByName(project)).toEqual(ids);
  });

  it('a stopped container on a recreated network must be reconnected too, so that up starts it again', async () => {
    project = await useProject('networks-recreate');
    await project.up();
    const back = await network('back');
    const api = await only('api');
    await project.engine.getContainer(api.Id).stop();
    expect((await only('api')).State.Running).toBe(false);

    project.write('.env', CHANGED);
    await project.up();
    const recreated = await network('back');
    expect(recreated.Id).not.toBe(back.Id);
    expect((await only('api')).Id).toBe(api.Id);
    await expectOnBack(recreated.Id);
  });
});
