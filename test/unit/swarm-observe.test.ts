import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/connect.js';
import { assertManager, observeStack } from '../../src/swarm/observe.js';

const engineWith = (methods: Record<string, () => Promise<unknown>>) => methods as unknown as Engine;

describe('assertManager', () => {
  it('explains how to get a Swarm when the engine is in none', async () => {
    const engine = engineWith({
      info: async () => ({ Swarm: { LocalNodeState: 'inactive', ControlAvailable: false } }),
    });
    await expect(assertManager(engine)).rejects.toThrow(
      'this engine is not part of a Swarm (state: inactive): run "docker swarm init" here, or point DOCKER_HOST at a manager',
    );
  });

  it("sends a worker's user to a manager", async () => {
    const engine = engineWith({ info: async () => ({ Swarm: { LocalNodeState: 'active', ControlAvailable: false } }) });
    await expect(assertManager(engine)).rejects.toThrow(/this engine is a Swarm worker: deploy through a manager/);
  });

  it('accepts a manager', async () => {
    await expect(
      assertManager(
        engineWith({ info: async () => ({ Swarm: { LocalNodeState: 'active', ControlAvailable: true } }) }),
      ),
    ).resolves.toBeUndefined();
  });
});

describe('observeStack', () => {
  it("reads each service's key, version, hash, mode and references, and indexes networks, secrets and configs by name", async () => {
    const engine = engineWith({
      listServices: async () => [
        {
          ID: 's1',
          Version: { Index: 42 },
          Spec: {
            Name: 'shop_web',
            Labels: { 'com.docker.compose.service': 'web', 'com.docker.compose.config-hash': 'h' },
            Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
            TaskTemplate: {
              ContainerSpec: {
                Image: 'busybox',
                Secrets: [{ SecretName: 'shop_token-1', SecretID: 'x', File: {} }],
                Configs: [{ ConfigName: 'shop_conf-2', ConfigID: 'y', File: {} }],
              },
              Networks: [{ Target: 'net1' }],
            },
          },
          UpdateStatus: { State: 'paused', Message: 'why' },
        },
        {
          ID: 's2',
          Version: { Index: 7 },
          Spec: {
            Name: 'shop_legacy',
            Labels: {},
            Mode: { Replicated: { Replicas: 1 } },
            TaskTemplate: { ContainerSpec: { Image: 'x' } },
          },
        },
      ],
      listNetworks: async () => [
        {
          Id: 'net1',
          Name: 'shop_default',
          Driver: 'overlay',
          Scope: 'swarm',
          Labels: { 'com.docker.stack.namespace': 'shop', 'com.docker.compose.network': 'default' },
        },
      ],
      listSecrets: async () => [
        {
          ID: 'x',
          Spec: {
            Name: 'shop_token-1',
            Labels: { 'com.docker.stack.namespace': 'shop', 'com.docker.compose.secret': 'token' },
          },
        },
      ],
      listConfigs: async () => [{ ID: 'y', Spec: { Name: 'other', Labels: {} } }],
    });
    const observed = await observeStack(engine, 'shop');
    expect(observed.services).toEqual([
      {
        id: 's2',
        name: 'shop_legacy',
        key: 'legacy',
        version: 7,
        specHash: undefined,
        mode: 'replicated',
        secrets: [],
        configs: [],
        networks: [],
        updateState: undefined,
        updateMessage: undefined,
      },
      {
        id: 's1',
        name: 'shop_web',
        key: 'web',
        version: 42,
        specHash: 'h',
        mode: 'replicated-job',
        secrets: ['shop_token-1'],
        configs: ['shop_conf-2'],
        networks: ['net1'],
        updateState: 'paused',
        updateMessage: 'why',
      },
    ]);
    expect(observed.networks.shop_default).toMatchObject({
      id: 'net1',
      scope: 'swarm',
      namespace: 'shop',
      key: 'default',
    });
    expect(observed.secrets['shop_token-1']).toEqual({
      id: 'x',
      name: 'shop_token-1',
      namespace: 'shop',
      key: 'token',
    });
    expect(observed.configs.other).toEqual({ id: 'y', name: 'other', namespace: undefined, key: undefined });
  });
});
