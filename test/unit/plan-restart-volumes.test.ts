// The planner's side of issue 18 item 6: restart with dependents, -y on a changed volume,
// --all-resources and --compatibility, from fixed snapshots.
import { describe, expect, it } from 'vitest';
import { serviceConfigHash, volumeConfigHash } from '../../src/model/hash.js';
import type { Service } from '../../src/model/types.js';
import type { Observed, ObservedContainer } from '../../src/reconcile/observed.js';
import { planRestart, planUp } from '../../src/reconcile/plan.js';
import { projectOf } from './project-fixture.js';

function running(service: Service): ObservedContainer {
  return {
    id: `${service.name}-id`,
    name: `p-${service.name}-1`,
    service: service.name,
    number: 1,
    oneoff: false,
    configHash: serviceConfigHash(service),
    imageId: 'sha256:img',
    imageLabel: 'sha256:img',
    state: 'running',
    labels: {},
  };
}

const observedOf = (services: Service[], extra: Partial<Observed> = {}): Observed => ({
  containers: services.map(running),
  networks: {},
  volumes: {},
  images: { busybox: 'sha256:img' },
  ...extra,
});

describe('planRestart', () => {
  const db: Service = { name: 'db', image: 'busybox' };
  const api: Service = {
    name: 'api',
    image: 'busybox',
    depends_on: { db: { condition: 'service_started', restart: true, required: true } },
  };
  const worker: Service = {
    name: 'worker',
    image: 'busybox',
    depends_on: { api: { condition: 'service_started', restart: true, required: true } },
  };
  const report: Service = {
    name: 'report',
    image: 'busybox',
    depends_on: { db: { condition: 'service_started', restart: false, required: true } },
  };
  const project = projectOf('p', [db, api, worker, report]);
  const observed = observedOf([db, api, worker, report]);
  const steps = (plan: ReturnType<typeof planRestart>) =>
    plan.nodes.map((n) => ({ id: n.id, reason: n.reason, after: n.after }));

  it('restarts the services that depend on it with restart: true, transitively, each after its dependency', () => {
    expect(steps(planRestart(project, observed, ['db']))).toEqual([
      { id: 'restart:p-db-1', reason: 'restart', after: [] },
      { id: 'restart:p-api-1', reason: 'depends on db with restart: true', after: ['restart:p-db-1'] },
      { id: 'restart:p-worker-1', reason: 'depends on api with restart: true', after: ['restart:p-api-1'] },
    ]);
  });

  it('restarts only the named service with noDeps', () => {
    expect(steps(planRestart(project, observed, ['db'], true))).toEqual([
      { id: 'restart:p-db-1', reason: 'restart', after: [] },
    ]);
  });

  it('restarts every service when none is named, ordered only along restart: true edges', () => {
    const plan = planRestart(project, observed);
    expect(plan.nodes.map((n) => n.id).sort()).toEqual(
      ['restart:p-api-1', 'restart:p-db-1', 'restart:p-report-1', 'restart:p-worker-1'].sort(),
    );
    expect(plan.nodes.find((n) => n.id === 'restart:p-report-1')?.after).toEqual([]);
  });
});

describe('planUp: resources and names', () => {
  const app: Service = {
    name: 'app',
    image: 'busybox',
    networks: { default: null },
    volumes: [{ type: 'volume', source: 'data', target: '/data' }],
  };
  const volumes = { data: { name: 'p_data', labels: { tier: 'fast' } }, spare: { name: 'p_spare' } };
  const project = projectOf('p', [app], {
    volumes,
    networks: { default: { name: 'p_default' }, spare: { name: 'p_spare' } },
  });
  // The engine holds app's container and the data volume, created before its labels changed.
  const observed = observedOf([app], {
    networks: { p_default: { id: 'n', name: 'p_default', project: 'p', key: 'default' } },
    volumes: {
      p_data: { name: 'p_data', project: 'p', key: 'data', configHash: volumeConfigHash({ name: 'p_data' }) },
    },
  });

  it('keeps a volume whose config changed, with a warning naming -y', () => {
    const plan = planUp(project, observed);
    expect(plan.nodes.filter((n) => n.step.kind !== 'service-ready')).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(
      /volume "p_data" exists with a different configuration; keeping it \(up -y/,
    );
  });

  it('with -y removes the containers that mount it, recreates the volume, then creates them anew', () => {
    const plan = planUp(project, observed, { recreateVolumes: true });
    const byId = new Map(plan.nodes.map((n) => [n.id, n]));
    expect(byId.get('stop:p-app-1')?.step.kind).toBe('stop-container');
    expect(byId.get('remove:p-app-1')?.after).toEqual(['stop:p-app-1']);
    expect(byId.get('remove-volume:data')?.after).toEqual(['remove:p-app-1']);
    expect(byId.get('volume:data')).toMatchObject({ step: { kind: 'create-volume' }, after: ['remove-volume:data'] });
    expect(byId.get('container:app:1')).toMatchObject({
      step: { kind: 'create-container', name: 'p-app-1' },
      after: expect.arrayContaining(['volume:data']),
    });
  });

  it('with -y refuses, naming the service, when a service this up leaves out mounts the volume too', () => {
    const worker: Service = { ...app, name: 'worker' };
    const both = projectOf('p', [app, worker], { volumes, networks: { default: { name: 'p_default' } } });
    const seen = observedOf([app, worker], { networks: observed.networks, volumes: observed.volumes });
    expect(() => planUp(both, seen, { recreateVolumes: true, services: ['app'] })).toThrow(
      /volume "p_data" cannot be recreated: service "worker" mounts it too, and this up leaves it out/,
    );
    const ids = planUp(both, seen, { recreateVolumes: true }).nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['remove:p-app-1', 'remove:p-worker-1', 'container:worker:1']));
  });

  it('with allResources creates the network and volume no service uses', () => {
    const ids = planUp(project, observed, { allResources: true }).nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['network:spare', 'volume:spare']));
    expect(planUp(project, observed).nodes.map((n) => n.id)).not.toContain('network:spare');
  });

  it('with compatibility names a new container <project>_<service>_<number>', () => {
    const plan = planUp(project, observedOf([]), { compatibility: true });
    expect(plan.nodes.find((n) => n.id === 'container:app:1')?.step).toMatchObject({ name: 'p_app_1' });
  });
});
