import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../../src/model/types.js';
import { formatPlan, planDown, planImages, planRemove, planStop, planUp, type Plan } from '../../src/reconcile/plan.js';
import { projectOf } from './project-fixture.js';
import { container, observed } from './observed-fixture.js';

function service(name: string, extra: Partial<Service> = {}): Service {
  return { name, image: 'busybox', networks: { default: null }, ...extra };
}

function project(services: Service[], extra: Partial<Project> = {}): Project {
  return projectOf('p', services, extra);
}

const steps = (plan: Plan) =>
  plan.nodes.filter((n) => n.step.kind !== 'service-ready').map((n) => `${n.id} ${n.step.kind}`);
const node = (plan: Plan, id: string) => plan.nodes.find((n) => n.id === id)!;

describe('planUp', () => {
  const web = service('web', { depends_on: { db: { condition: 'service_healthy', required: true } } });
  const db = service('db');

  it('creates the network, then every container, dependencies first', () => {
    const plan = planUp(project([web, db]), observed([], { networks: {} }));
    expect(steps(plan)).toEqual([
      'network:default create-network',
      'container:db:1 create-container',
      'await:db:service_healthy await-service',
      'container:web:1 create-container',
    ]);
    expect(node(plan, 'container:db:1').after).toEqual(['network:default']);
    expect(node(plan, 'await:db:service_healthy').after).toEqual(['ready:db']);
    expect(node(plan, 'container:web:1').after).toEqual(['network:default', 'await:db:service_healthy']);
  });

  it('does nothing when everything matches (and waits for nothing)', () => {
    const plan = planUp(project([web, db]), observed([container(web, 1), container(db, 1)]));
    expect(steps(plan)).toEqual([]);
    expect(formatPlan(plan)).toBe('');
  });

  it('recreates only the service whose config changed, with the reason', () => {
    const changed = service('web', { ...web, environment: { A: '1' } });
    const plan = planUp(project([changed, db]), observed([container(web, 1), container(db, 1)]));
    expect(steps(plan)).toEqual(['await:db:service_healthy await-service', 'container:web:1 recreate-container']);
    expect(node(plan, 'container:web:1').reason).toBe('config hash changed');
  });

  it('recreates when the image changed, and on --force-recreate; never with --no-recreate', () => {
    const snapshot = observed([container(web, 1, { imageLabel: 'sha256:old' }), container(db, 1)]);
    expect(node(planUp(project([web, db]), snapshot), 'container:web:1').reason).toBe(
      'image: sha256:old -> sha256:img',
    );
    expect(steps(planUp(project([web, db]), snapshot, { noRecreate: true }))).toEqual([]);
    const forced = planUp(project([web, db]), observed([container(web, 1), container(db, 1)]), { forceRecreate: true });
    expect(steps(forced).filter((s) => s.includes('recreate'))).toHaveLength(2);
  });

  it('waits again for a dependency it restarts, even when the dependent is unchanged', () => {
    const plan = planUp(project([web, db]), observed([container(web, 1), container(db, 1, { state: 'exited' })]));
    expect(steps(plan)).toEqual(['container:db:1 start-container', 'await:db:service_healthy await-service']);
    expect(node(plan, 'ready:web').after).toEqual(['await:db:service_healthy']);
  });

  it('starts stopped containers instead of recreating them', () => {
    const plan = planUp(project([db]), observed([container(db, 1, { state: 'exited' })]));
    expect(steps(plan)).toEqual(['container:db:1 start-container']);
    expect(node(plan, 'container:db:1').reason).toBe('container is exited');
  });

  it('restarts dependents with restart: true when their dependency is recreated', () => {
    const app = service('app', { depends_on: { db: { condition: 'service_started', required: true, restart: true } } });
    const newDb = service('db', { environment: { V: '2' } });
    const plan = planUp(project([app, newDb]), observed([container(app, 1), container(db, 1)]));
    expect(steps(plan)).toEqual(['container:db:1 recreate-container', 'container:app:1 restart-container']);
    expect(node(plan, 'container:app:1').after).toContain('ready:db');
  });

  it('recreates a service sharing the network namespace of a recreated one', () => {
    const sidecar = service('sidecar', {
      network_mode: 'service:db',
      networks: undefined,
      depends_on: { db: { condition: 'service_started', required: true } },
    });
    const newDb = service('db', { environment: { V: '2' } });
    const plan = planUp(project([sidecar, newDb]), observed([container(sidecar, 1), container(db, 1)]));
    expect(node(plan, 'container:sidecar:1').reason).toBe('shares a namespace or volumes with recreated service "db"');
  });

  it('scales up with the next numbers and down from the highest number', () => {
    const up3 = planUp(project([db]), observed([container(db, 1)]), { scale: { db: 3 } });
    expect(steps(up3)).toEqual(['container:db:2 create-container', 'container:db:3 create-container']);
    const down1 = planUp(project([db]), observed([container(db, 1), container(db, 2), container(db, 3)]));
    expect(steps(down1)).toEqual([
      'stop:p-db-2 stop-container',
      'remove:p-db-2 remove-container',
      'stop:p-db-3 stop-container',
      'remove:p-db-3 remove-container',
    ]);
  });

  it('warns about orphans, and removes them only when asked', () => {
    const gone = service('gone');
    const snapshot = observed([container(db, 1), container(gone, 1)]);
    const warned = planUp(project([db]), snapshot);
    expect(steps(warned)).toEqual([]);
    expect(warned.warnings[0]).toMatch(/orphan containers \(p-gone-1\).*--remove-orphans/);
    expect(steps(planUp(project([db]), snapshot, { removeOrphans: true }))).toEqual([
      'stop:p-gone-1 stop-container',
      'remove:p-gone-1 remove-container',
    ]);
  });

  it('never treats one-off containers as orphans', () => {
    const plan = planUp(
      project([db]),
      observed([container(db, 1), container(service('db'), 1, { oneoff: true, name: 'p-db-run-1' })]),
    );
    expect(plan.warnings).toEqual([]);
  });

  it('limits the plan to the named services and their dependencies', () => {
    const other = service('other');
    const plan = planUp(project([web, db, other]), observed([]), { services: ['web'] });
    expect(steps(plan)).not.toContain('container:other:1 create-container');
    expect(steps(plan)).toContain('container:db:1 create-container');
    expect(steps(planUp(project([web, db, other]), observed([]), { services: ['web'], noDeps: true }))).toEqual([
      'container:web:1 create-container',
    ]);
  });

  it('refuses a missing external network before changing anything', () => {
    const p = project([db], { networks: { default: { name: 'shared', external: true } } });
    expect(() => planUp(p, observed([], { networks: {} }))).toThrow(
      /network "shared" is declared as external, but could not be found/,
    );
  });

  it('recreates a project network whose config changed, before the containers on it, which are kept', () => {
    const p = project([web, db], { networks: { default: { name: 'p_default', labels: { tier: 'back' } } } });
    const plan = planUp(p, observed([container(web, 1), container(db, 1)]));
    expect(steps(plan)).toEqual(['network:default recreate-network']);
    expect(node(plan, 'network:default').reason).toBe('network config changed');

    const changedDb = service('db', { labels: { v: '2' } });
    const both = planUp(
      project([web, changedDb], { networks: p.networks }),
      observed([container(web, 1), container(db, 1)]),
    );
    expect(node(both, 'container:db:1').after).toContain('network:default');
  });

  it('never recreates an external network, whatever its labels say', () => {
    const p = project([db], { networks: { default: { name: 'shared', external: true } } });
    const snapshot = observed([container(db, 1)], {
      networks: { shared: { id: 'n2', name: 'shared', project: 'p', key: 'default', configHash: 'different' } },
    });
    expect(steps(planUp(p, snapshot))).toEqual([]);
    expect(steps(planUp(p, snapshot, { forceRecreate: true }))).toEqual(['container:db:1 recreate-container']);
  });

  it('never recreates a volume whose config changed: it warns', () => {
    const withVolume = service('db', { volumes: [{ type: 'volume', source: 'data', target: '/data' }] });
    const p = project([withVolume], { volumes: { data: { name: 'p_data', driver: 'local' } } });
    const plan = planUp(
      p,
      observed([container(withVolume, 1)], {
        volumes: { p_data: { name: 'p_data', project: 'p', key: 'data', configHash: 'different' } },
      }),
    );
    expect(steps(plan)).toEqual([]);
    expect(plan.warnings[0]).toMatch(/volume "p_data" exists with a different configuration; keeping it/);
  });

  it('replaces a container left under a temporary name by an interrupted replace', () => {
    const plan = planUp(project([db]), observed([container(db, 1, { name: 'abc123_p-db-1' })]));
    expect(steps(plan)).toEqual(['container:db:1 recreate-container']);
    expect(node(plan, 'container:db:1').reason).toMatch(/interrupted replace/);
  });

  describe('named volumes a container mounts', () => {
    const app = service('app', { volumes: [{ type: 'volume', source: 'data', target: '/data' }] });
    const p = project([app], { volumes: { data: { name: 'second' } } });
    const snapshot = (mounted: string[] | undefined) =>
      observed([container(app, 1, { volumes: mounted })], {
        volumes: { second: { name: 'second', project: 'p', key: 'data' } },
      });

    it('recreates a container that does not mount the volume its key now names (a changed `name:`)', () => {
      const plan = planUp(p, snapshot(['first']));
      expect(steps(plan)).toEqual(['container:app:1 recreate-container']);
      expect(node(plan, 'container:app:1').reason).toBe('volume second is not mounted');
    });

    it('keeps a container that mounts the volumes it should, or whose mounts were not observed', () => {
      expect(steps(planUp(p, snapshot(['second', 'a'.repeat(64)])))).toEqual([]);
      expect(steps(planUp(p, snapshot(undefined)))).toEqual([]);
    });
  });
});

describe('planImages', () => {
  it('pulls missing images and builds services that have a build section', () => {
    const built = service('app', { image: undefined, build: { context: '/src' } });
    const pulled = service('db', { image: 'postgres:15' });
    const plan = planImages(project([built, pulled]), { images: {} });
    expect(steps(plan)).toEqual(['image:app build-image', 'image:db pull-image']);
    expect(plan.nodes[0].step).toMatchObject({ image: 'p-app' });
  });

  it('does nothing for present images unless asked', () => {
    const built = service('app', { image: undefined, build: { context: '/src' } });
    const present = { images: { 'p-app': 'sha256:x', busybox: 'sha256:y' } };
    expect(steps(planImages(project([built, service('db')]), present))).toEqual([]);
    expect(steps(planImages(project([built]), present, { build: true }))).toEqual(['image:app build-image']);
    expect(steps(planImages(project([service('db')]), present, { pull: 'always' }))).toEqual(['image:db pull-image']);
  });

  it('refuses a missing image with pull_policy never, naming the service', () => {
    expect(() => planImages(project([service('db', { pull_policy: 'never' })]), { images: {} })).toThrow(
      /service "db": image "busybox" is not present and pull_policy is "never"/,
    );
  });
});

describe('planDown, planStop, planRemove', () => {
  const web = service('web', { depends_on: { db: { condition: 'service_started', required: true } } });
  const db = service('db');

  it('stops dependents before their dependencies, then removes networks; volumes only with -v', () => {
    const p = project([web, db], { volumes: { data: { name: 'p_data' }, ext: { name: 'ext', external: true } } });
    const snapshot = observed([container(web, 1), container(db, 1)], {
      volumes: { p_data: { name: 'p_data', project: 'p' }, ext: { name: 'ext' } },
    });
    const plan = planDown(p, snapshot);
    expect(node(plan, 'stop:p-db-1').after).toEqual(['stop:p-web-1']);
    expect(node(plan, 'network:default').after.sort()).toEqual(['remove:p-db-1', 'remove:p-web-1']);
    expect(steps(plan)).not.toContain('volume:data remove-volume');
    const withVolumes = planDown(p, snapshot, { volumes: true });
    expect(steps(withVolumes)).toContain('volume:data remove-volume');
    expect(steps(withVolumes)).not.toContain('volume:ext remove-volume');
  });

  it("keeps the containers' anonymous volumes unless -v, as Docker Compose does", () => {
    const snapshot = observed([container(web, 1), container(db, 1, { oneoff: true, number: 2, name: 'p-db-run-1' })]);
    const removals = (plan: Plan) =>
      plan.nodes.flatMap((n) => (n.step.kind === 'remove-container' ? [`${n.id} ${n.step.volumes}`] : []));
    expect(removals(planDown(project([web, db]), snapshot)).sort()).toEqual([
      'remove:p-db-run-1 false',
      'remove:p-web-1 false',
    ]);
    expect(removals(planDown(project([web, db]), snapshot, { volumes: true })).sort()).toEqual([
      'remove:p-db-run-1 true',
      'remove:p-web-1 true',
    ]);
  });

  it('with services named, removes them and their dependents, keeping what the other services still use', () => {
    const data = { type: 'volume' as const, source: 'data', target: '/data' };
    const cache = { type: 'volume' as const, source: 'cache', target: '/cache' };
    const p = project([service('web', { ...web, volumes: [cache] }), service('db', { volumes: [data] })], {
      volumes: { data: { name: 'p_data' }, cache: { name: 'p_cache' } },
    });
    const snapshot = observed([container(web, 1), container(db, 1)], {
      volumes: { p_data: { name: 'p_data', project: 'p' }, p_cache: { name: 'p_cache', project: 'p' } },
    });
    expect(steps(planDown(p, snapshot, { services: ['web'], volumes: true }))).toEqual([
      'stop:p-web-1 stop-container',
      'remove:p-web-1 remove-container',
      'volume:cache remove-volume',
    ]);
    const withDependents = steps(planDown(p, snapshot, { services: ['db'], volumes: true }));
    expect(withDependents).toEqual(
      expect.arrayContaining([
        'remove:p-web-1 remove-container',
        'remove:p-db-1 remove-container',
        'network:default remove-network',
        'volume:data remove-volume',
        'volume:cache remove-volume',
      ]),
    );
    expect(() => planDown(p, snapshot, { services: ['nope'] })).toThrow(/no such service: "nope"/);
  });

  it('never removes networks that belong to another project or are external', () => {
    const p = project([db], {
      networks: { default: { name: 'p_default' }, shared: { name: 'shared', external: true } },
    });
    const snapshot = observed([], {
      networks: { p_default: { id: 'x', name: 'p_default', project: 'other' }, shared: { id: 'y', name: 'shared' } },
    });
    expect(steps(planDown(p, snapshot))).toEqual([]);
  });

  it('stop only touches running containers, in reverse dependency order', () => {
    const plan = planStop(project([web, db]), observed([container(web, 1), container(db, 1, { state: 'exited' })]));
    expect(steps(plan)).toEqual(['stop:p-web-1 stop-container']);
  });

  it('rm removes stopped containers only, unless asked to stop them first', () => {
    const snapshot = observed([container(web, 1), container(db, 1, { state: 'exited' })]);
    expect(steps(planRemove(project([web, db]), snapshot))).toEqual(['remove:p-db-1 remove-container']);
    expect(steps(planRemove(project([web, db]), snapshot, { stop: true }))).toEqual([
      'stop:p-web-1 stop-container',
      'remove:p-web-1 remove-container',
      'remove:p-db-1 remove-container',
    ]);
  });
});

// Golden plans: each line is a step, its reason, and the steps it waits on, so the text pins
// the order as well as the steps. The expected texts are written from what the plan must be.
describe('formatPlan (golden plans)', () => {
  it('web waits for a healthy db: network and volume first, then db, the wait, and both web replicas', () => {
    const web = service('web', {
      deploy: { replicas: 2 },
      depends_on: { db: { condition: 'service_healthy', required: true } },
    });
    const db = service('db', { volumes: [{ type: 'volume', source: 'data', target: '/data' }] });
    const plan = planUp(project([web, db], { volumes: { data: { name: 'p_data' } } }), observed([], { networks: {} }));
    expect(formatPlan(plan)).toBe(
      [
        'network:default create-network (not found)',
        'volume:data create-volume (not found)',
        'container:db:1 create-container (not found) after network:default, volume:data',
        'await:db:service_healthy await-service ("web" waits for it to be healthy) after container:db:1',
        'container:web:1 create-container (not found) after network:default, await:db:service_healthy',
        'container:web:2 create-container (not found) after network:default, await:db:service_healthy',
      ].join('\n'),
    );
  });

  it('a recreated db restarts its restart: true dependent after it, and leaves the other dependent alone', () => {
    const db = service('db');
    const app = service('app', { depends_on: { db: { condition: 'service_started', required: true, restart: true } } });
    const web = service('web', { depends_on: { db: { condition: 'service_started', required: true } } });
    const plan = planUp(
      project([app, web, service('db', { environment: { V: '2' } })]),
      observed([container(app, 1), container(web, 1), container(db, 1)]),
    );
    expect(formatPlan(plan)).toBe(
      [
        'container:db:1 recreate-container (config hash changed)',
        'container:app:1 restart-container (dependency db was recreated (restart: true)) after container:db:1',
      ].join('\n'),
    );
  });

  it('scaling down removes the highest numbers, each stopped before it is removed, and recreates the one kept', () => {
    const db = service('db');
    const plan = planUp(
      project([service('db', { environment: { V: '2' } })]),
      observed([container(db, 1), container(db, 2), container(db, 3)]),
    );
    expect(formatPlan(plan)).toBe(
      [
        'stop:p-db-2 stop-container (scaled down)',
        'remove:p-db-2 remove-container (scaled down) after stop:p-db-2',
        'stop:p-db-3 stop-container (scaled down)',
        'remove:p-db-3 remove-container (scaled down) after stop:p-db-3',
        'container:db:1 recreate-container (config hash changed)',
      ].join('\n'),
    );
  });

  it('down stops every web replica before any db replica, removes each container after its stop, and the network and volume last', () => {
    const web = service('web', {
      deploy: { replicas: 2 },
      depends_on: { db: { condition: 'service_started', required: true } },
    });
    const db = service('db', {
      deploy: { replicas: 2 },
      volumes: [{ type: 'volume', source: 'data', target: '/data' }],
    });
    const p = project([web, db], { volumes: { data: { name: 'p_data' } } });
    const snapshot = observed([container(web, 1), container(web, 2), container(db, 1), container(db, 2)], {
      volumes: { p_data: { name: 'p_data', project: 'p' } },
    });
    const removals = 'remove:p-web-1, remove:p-web-2, remove:p-db-1, remove:p-db-2';
    expect(formatPlan(planDown(p, snapshot, { volumes: true }))).toBe(
      [
        'stop:p-web-1 stop-container (down)',
        'stop:p-web-2 stop-container (down)',
        'stop:p-db-1 stop-container (down) after stop:p-web-1, stop:p-web-2',
        'stop:p-db-2 stop-container (down) after stop:p-web-1, stop:p-web-2',
        'remove:p-web-1 remove-container (down) after stop:p-web-1',
        'remove:p-web-2 remove-container (down) after stop:p-web-2',
        'remove:p-db-1 remove-container (down) after stop:p-db-1',
        'remove:p-db-2 remove-container (down) after stop:p-db-2',
        `network:default remove-network (down) after ${removals}`,
        `volume:data remove-volume (--volumes) after ${removals}`,
      ].join('\n'),
    );
  });
});
