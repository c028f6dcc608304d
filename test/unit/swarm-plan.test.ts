import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../../src/model/types.js';
import { desiredStack, type DesiredStack } from '../../src/swarm/desired.js';
import type { ObservedNetwork, ObservedService, ObservedStack } from '../../src/swarm/observe.js';
import { formatSwarmPlan, planDeploy, planUndeploy, type SwarmPlan } from '../../src/swarm/plan.js';
import { projectOf } from './project-fixture.js';

function service(name: string, extra: Partial<Service> = {}): Service {
  return { name, image: 'busybox:latest', networks: { default: null }, ...extra };
}

function stack(services: Service[], extra: Partial<Project> = {}): DesiredStack {
  const project = projectOf('shop', services, extra);
  return desiredStack({ project, environment: {} });
}

/** What the swarm holds after `desired` was deployed: every hash and name matching. */
function deployed(desired: DesiredStack, overrides: Partial<ObservedService>[] = []): ObservedStack {
  const networks: Record<string, ObservedNetwork> = Object.fromEntries(
    desired.networks.map((n) => [
      n.name,
      {
        id: `net-${n.key}`,
        name: n.name,
        driver: 'overlay',
        scope: 'swarm',
        namespace: 'shop',
        key: n.key,
        configHash: n.configHash,
      },
    ]),
  );
  const objects = (list: DesiredStack['secrets']) =>
    Object.fromEntries(list.map((o) => [o.name, { id: `id-${o.name}`, name: o.name, namespace: 'shop', key: o.key }]));
  return {
    services: desired.services.map((s, i) => ({
      id: `svc-${s.key}`,
      name: s.name,
      key: s.key,
      version: 10 + i,
      specHash: s.specHash,
      mode: s.mode,
      secrets: (s.spec.TaskTemplate.ContainerSpec.Secrets ?? []).map((r) => r.SecretName),
      configs: (s.spec.TaskTemplate.ContainerSpec.Configs ?? []).map((r) => r.ConfigName),
      networks: (s.spec.TaskTemplate.Networks ?? []).map((n) => `net-${n.Target.replace('shop_', '')}`),
      ...overrides[i],
    })),
    networks,
    secrets: objects(desired.secrets),
    configs: objects(desired.configs),
  };
}

const empty: ObservedStack = { services: [], networks: {}, secrets: {}, configs: {} };
const steps = (plan: SwarmPlan) => plan.nodes.map((n) => `${n.id} ${n.step.kind}`);
const node = (plan: SwarmPlan, id: string) => plan.nodes.find((n) => n.id === id)!;

const withSecret = (content: string) =>
  stack([service('web', { secrets: [{ source: 'token' }], configs: [{ source: 'settings' }] }), service('worker')], {
    secrets: { token: { name: 'shop_token', content } },
    configs: { settings: { name: 'shop_settings', content: 'a=1' } },
  });

describe('planDeploy', () => {
  it('creates the overlay network, the secrets and configs, then the services that use them', () => {
    const desired = withSecret('s3cret');
    const [secret] = desired.secrets;
    const [config] = desired.configs;
    const plan = planDeploy(desired, empty);
    expect(steps(plan)).toEqual([
      'network:default create-network',
      `secret:${secret.name} create-secret`,
      `config:${config.name} create-config`,
      'service:web create-service',
      'service:worker create-service',
    ]);
    expect(node(plan, 'service:web').after).toEqual([
      'network:default',
      `secret:${secret.name}`,
      `config:${config.name}`,
    ]);
    expect(node(plan, 'service:worker').after).toEqual(['network:default']);
    expect(plan.nodes.every((n) => n.reason === 'not found')).toBe(true);
  });

  it('plans nothing when every service carries the hash of its desired spec', () => {
    const desired = withSecret('s3cret');
    const plan = planDeploy(desired, deployed(desired));
    expect(plan.nodes).toEqual([]);
    expect(formatSwarmPlan(plan)).toBe('');
  });

  it('updates a changed service in place, naming the version it replaces, and leaves the others alone', () => {
    const before = stack([service('web'), service('worker')]);
    const after = stack([service('web', { environment: { MODE: 'new' } }), service('worker')]);
    const plan = planDeploy(after, deployed(before));
    expect(steps(plan)).toEqual(['service:web update-service']);
    expect(node(plan, 'service:web')).toMatchObject({
      step: { kind: 'update-service', id: 'svc-web', version: 10, name: 'shop_web' },
      reason: 'config hash changed',
    });
  });

  it('updates a service when only its replica count changes (a scale, no task replaced)', () => {
    const before = stack([service('web')]);
    const after = stack([service('web', { deploy: { replicas: 3 } })]);
    expect(steps(planDeploy(after, deployed(before)))).toEqual(['service:web update-service']);
  });

  it('rotates a changed secret: creates the new one, updates the service to it, then removes the old one', () => {
    const before = withSecret('old');
    const after = withSecret('new');
    const [oldSecret] = before.secrets;
    const [newSecret] = after.secrets;
    const plan = planDeploy(after, deployed(before));
    expect(steps(plan)).toEqual([
      `secret:${newSecret.name} create-secret`,
      'service:web update-service',
      `remove-secret:${oldSecret.name} remove-secret`,
    ]);
    expect(node(plan, `secret:${newSecret.name}`).reason).toBe(`content changed (was ${oldSecret.name})`);
    expect(node(plan, 'service:web').after).toEqual([`secret:${newSecret.name}`]);
    expect(node(plan, 'service:web').reason).toBe(`config hash changed (now uses secret ${newSecret.name})`);
    expect(node(plan, `remove-secret:${oldSecret.name}`)).toMatchObject({
      step: { id: `id-${oldSecret.name}` },
      reason: `replaced by ${newSecret.name}`,
      after: ['service:web'],
    });
  });

  it('takes over a service deployed without berth (no config hash) with an update', () => {
    const desired = stack([service('web')]);
    const plan = planDeploy(desired, deployed(desired, [{ specHash: undefined }]));
    expect(node(plan, 'service:web').reason).toBe('deployed without berth (no config hash): taken over');
  });

  it('replaces a service whose mode changes, which Swarm cannot update in place', () => {
    const before = stack([service('web')]);
    const after = stack([service('web', { deploy: { mode: 'global' } })]);
    const plan = planDeploy(after, deployed(before));
    expect(steps(plan)).toEqual(['remove-service:web remove-service', 'service:web create-service']);
    expect(node(plan, 'service:web').after).toContain('remove-service:web');
    expect(node(plan, 'service:web').reason).toBe('mode changes from replicated to global');
  });

  it('warns about services no longer in the file, and removes them (and what only they used) with prune', () => {
    const before = withSecret('s');
    const after = stack([service('worker')]);
    const observed = deployed(before);
    const kept = planDeploy(after, observed);
    expect(steps(kept)).toEqual([]);
    expect(kept.warnings).toEqual([
      'found services that are not in the compose file (shop_web): deploy with --prune to remove them',
    ]);

    const pruned = planDeploy(after, observed, { prune: true });
    expect(steps(pruned)).toEqual([
      'remove-service:web remove-service',
      `remove-secret:${before.secrets[0].name} remove-secret`,
      `remove-config:${before.configs[0].name} remove-config`,
    ]);
    expect(node(pruned, `remove-secret:${before.secrets[0].name}`)).toMatchObject({
      reason: 'no longer used',
      after: ['remove-service:web'],
    });
  });

  it('removes a network of the stack that no service uses any more', () => {
    const before = stack([service('web', { networks: { back: null } })], { networks: { back: { name: 'shop_back' } } });
    const after = stack([service('web')]);
    const plan = planDeploy(after, {
      ...deployed(before),
      networks: { ...deployed(before).networks, ...deployed(after).networks },
    });
    expect(steps(plan)).toEqual(['service:web update-service', 'remove-network:shop_back remove-network']);
    expect(node(plan, 'remove-network:shop_back').after).toEqual(['service:web']);
  });

  it('uses an existing external network, and refuses a missing one or a local bridge network', () => {
    const desired = stack([service('web', { networks: { shared: null } })], {
      networks: { shared: { name: 'shared', external: true } },
    });
    const overlay = { id: 'n', name: 'shared', driver: 'overlay', scope: 'swarm' };
    expect(steps(planDeploy(desired, { ...empty, networks: { shared: overlay } }))).toEqual([
      'service:web create-service',
    ]);
    expect(() => planDeploy(desired, empty)).toThrow(
      'network "shared" is declared as external, but could not be found',
    );
    expect(() =>
      planDeploy(desired, { ...empty, networks: { shared: { ...overlay, driver: 'bridge', scope: 'local' } } }),
    ).toThrow(/is a bridge network of scope "local"/);
  });

  it('refuses to deploy over a same-named bridge network left by `berth up`', () => {
    const desired = stack([service('web')]);
    const local = { id: 'n', name: 'shop_default', driver: 'bridge', scope: 'local' };
    expect(() => planDeploy(desired, { ...empty, networks: { shop_default: local } })).toThrow(
      /already exists as a bridge network .* remove it first \("berth down"\)/,
    );
  });

  it('warns, and changes nothing, when the last update of an unchanged service is paused', () => {
    const desired = stack([service('web')]);
    const plan = planDeploy(
      desired,
      deployed(desired, [{ updateState: 'paused', updateMessage: 'update paused due to failure' }]),
    );
    expect(plan.nodes).toEqual([]);
    expect(plan.warnings[0]).toMatch(/^service "web": its last update is paused \(update paused due to failure\)/);
  });

  it('passes the warnings about ignored attributes on, naming the service', () => {
    const plan = planDeploy(stack([service('web', { privileged: true })]), empty);
    expect(plan.warnings).toEqual([expect.stringMatching(/^service "web": privileged is ignored by Swarm/)]);
  });
});

describe('formatSwarmPlan (golden plan)', () => {
  it("a secret rotation: the new secret, then the update that uses it, then the old secret's removal", () => {
    const before = withSecret('old');
    const after = withSecret('new');
    const [oldSecret] = before.secrets;
    const [newSecret] = after.secrets;
    expect(formatSwarmPlan(planDeploy(after, deployed(before)))).toBe(
      [
        `secret:${newSecret.name} create-secret (content changed (was ${oldSecret.name}))`,
        `service:web update-service (config hash changed (now uses secret ${newSecret.name})) after secret:${newSecret.name}`,
        `remove-secret:${oldSecret.name} remove-secret (replaced by ${newSecret.name}) after service:web`,
      ].join('\n'),
    );
  });
});

describe('planUndeploy', () => {
  it("removes every service, then the stack's secrets, configs and networks, and nothing of other stacks", () => {
    const desired = withSecret('s');
    const observed = deployed(desired);
    observed.networks.other = { id: 'o', name: 'other_default', driver: 'overlay', scope: 'swarm', namespace: 'other' };
    observed.secrets.foreign = { id: 'f', name: 'foreign', namespace: 'other' };
    const plan = planUndeploy('shop', observed);
    expect(steps(plan)).toEqual([
      'remove-service:web remove-service',
      'remove-service:worker remove-service',
      `remove-secret:${desired.secrets[0].name} remove-secret`,
      `remove-config:${desired.configs[0].name} remove-config`,
      'remove-network:shop_default remove-network',
    ]);
    expect(node(plan, 'remove-network:shop_default').after).toEqual(['remove-service:web', 'remove-service:worker']);
  });

  it('plans nothing for a stack that is not deployed', () => {
    expect(planUndeploy('shop', empty).nodes).toEqual([]);
  });
});
