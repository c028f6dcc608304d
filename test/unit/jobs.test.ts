// The planner's job rule: fixed observed states in, kept / re-run decisions with their reasons out.
import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/types.js';
import { engineTime } from '../../src/reconcile/jobs.js';
import { describeGpus, gpuWarnings } from '../../src/reconcile/gpus.js';
import { formatSummary, summarizeStages } from '../../src/reconcile/pipeline-summary.js';
import type { ObservedContainer } from '../../src/reconcile/observed.js';
import { planUp, type Plan } from '../../src/reconcile/plan.js';
import { projectOf } from './project-fixture.js';
import { container, observed } from './observed-fixture.js';

// Reasons name times of day in local time; these tests read them in UTC.
process.env.TZ = 'UTC';

const completed = { condition: 'service_completed_successfully', required: true } as const;
const started = { condition: 'service_started', required: true } as const;

function svc(name: string, extra: Partial<Service> = {}): Service {
  return { name, image: 'busybox', networks: { default: null }, ...extra };
}

const ingest = svc('ingest');
const train = svc('train', { depends_on: { ingest: completed } });
const serve = svc('serve', { depends_on: { train: completed } });
const pipeline = projectOf('p', [ingest, train, serve]);

/** A container that ran from `start` to `finish` (seconds after 14:00:00 UTC) and exited with `code`. */
function ran(s: Service, start: number, finish: number, code = 0, extra: Partial<ObservedContainer> = {}) {
  return container(s, 1, { state: 'exited', exitCode: code, startedAt: at(start), finishedAt: at(finish), ...extra });
}

function running(s: Service, start: number, extra: Partial<ObservedContainer> = {}) {
  return container(s, 1, { state: 'running', startedAt: at(start), ...extra });
}

function at(seconds: number): string {
  const base = Date.parse('2026-12-06T14:00:00Z') / 1000 + seconds;
  return `${new Date(base * 1000).toISOString().slice(0, 19)}.123456789Z`;
}

/** One line per container step: id, kind and reason. */
const decisions = (plan: Plan) =>
  plan.nodes.filter((n) => n.id.startsWith('container:')).map((n) => `${n.id} ${n.step.kind} (${n.reason})`);

describe('the job rule', () => {
  it('keeps every completed stage of an unchanged pipeline and leaves the server alone', () => {
    const plan = planUp(pipeline, observed([ran(ingest, 0, 60), ran(train, 61, 120), running(serve, 121)]));
    expect(decisions(plan)).toEqual([
      'container:ingest:1 keep-job (up to date: exited 0 at 14:01:00, config unchanged)',
      'container:train:1 keep-job (up to date: exited 0 at 14:02:00, config unchanged)',
    ]);
  });

  it('re-runs a stage whose config changed, then restarts the server that depends on it after it completes', () => {
    const changed = svc('train', { depends_on: { ingest: completed }, environment: { EPOCHS: '5' } });
    const plan = planUp(
      projectOf('p', [ingest, changed, serve]),
      observed([ran(ingest, 0, 60), ran(train, 61, 120), running(serve, 121)]),
    );
    expect(decisions(plan)).toEqual([
      'container:ingest:1 keep-job (up to date: exited 0 at 14:01:00, config unchanged)',
      expect.stringMatching(/^container:train:1 recreate-container \(/),
      'container:serve:1 restart-container (dependency train was recreated)',
    ]);
    // serve restarts only once train has completed successfully.
    const restart = plan.nodes.find((n) => n.id === 'container:serve:1')!;
    expect(restart.after).toContain('await:train:service_completed_successfully');
  });

  it('re-runs a job that failed, and every job downstream of it', () => {
    const plan = planUp(pipeline, observed([ran(ingest, 0, 60, 3), ran(train, 61, 120), running(serve, 121)]));
    expect(decisions(plan)).toEqual([
      'container:ingest:1 start-container (re-run: exited 3 at 14:01:00)',
      'container:train:1 start-container (re-run: dependency ingest starts again)',
      'container:serve:1 restart-container (dependency train re-runs)',
    ]);
  });

  it('re-runs a job that started before its dependency last became ready', () => {
    // ingest finished at 14:05, after train ran at 14:01 (someone re-ran ingest by hand).
    const plan = planUp(pipeline, observed([ran(ingest, 240, 300), ran(train, 61, 120), running(serve, 121)]));
    expect(decisions(plan)[1]).toBe(
      'container:train:1 start-container (re-run: dependency ingest became ready at 14:05:00, after this job ran)',
    );
  });

  it('re-runs a migration when its database was recreated, and not otherwise', () => {
    const db = svc('db');
    const migrate = svc('migrate', { depends_on: { db: started } });
    const web = svc('web', { depends_on: { migrate: completed, db: started } });
    const project = projectOf('p', [db, migrate, web]);
    const state = [running(db, 0), ran(migrate, 10, 20), running(web, 21)];
    expect(decisions(planUp(project, observed(state)))).toEqual([
      'container:migrate:1 keep-job (up to date: exited 0 at 14:00:20, config unchanged)',
    ]);
    const newDb = svc('db', { environment: { POSTGRES_DB: 'other' } });
    const after = decisions(planUp(projectOf('p', [newDb, migrate, web]), observed(state)));
    expect(after.slice(1)).toEqual([
      'container:migrate:1 start-container (re-run: dependency db starts again)',
      'container:web:1 restart-container (dependency migrate re-runs)',
    ]);
  });

  it('a database restarted since the migration ran makes the migration out of date', () => {
    const db = svc('db');
    const migrate = svc('migrate', { depends_on: { db: started } });
    const web = svc('web', { depends_on: { migrate: completed } });
    const plan = planUp(
      projectOf('p', [db, migrate, web]),
      observed([running(db, 500), ran(migrate, 10, 20), running(web, 21)]),
    );
    expect(decisions(plan)[0]).toBe(
      'container:migrate:1 start-container (re-run: dependency db became ready at 14:08:20, after this job ran)',
    );
  });

  it('never treats a stopped server as a job because it exited 0: up starts it again', () => {
    const api = svc('api');
    const plan = planUp(projectOf('p', [api]), observed([ran(api, 0, 60)]));
    expect(decisions(plan)).toEqual(['container:api:1 start-container (container is exited)']);
  });

  it('keeps a leaf one-shot marked x-berth job once it completed, and re-runs an unmarked one', () => {
    const report = svc('report', { depends_on: { ingest: completed }, 'x-berth': { job: true } });
    const plain = svc('plain', { depends_on: { ingest: completed } });
    const plan = planUp(
      projectOf('p', [ingest, report, plain]),
      observed([ran(ingest, 0, 60), ran(report, 61, 70), ran(plain, 61, 70)]),
    );
    expect(decisions(plan)).toEqual([
      'container:ingest:1 keep-job (up to date: exited 0 at 14:01:00, config unchanged)',
      'container:report:1 keep-job (up to date: exited 0 at 14:01:10, config unchanged)',
      'container:plain:1 start-container (container is exited)',
    ]);
  });

  it('--from re-runs that stage and restarts everything downstream, leaving upstream alone', () => {
    const plan = planUp(pipeline, observed([ran(ingest, 0, 60), ran(train, 61, 120), running(serve, 121)]), {
      from: 'train',
    });
    expect(decisions(plan)).toEqual([
      'container:ingest:1 keep-job (up to date: exited 0 at 14:01:00, config unchanged)',
      'container:train:1 start-container (re-run: --from train)',
      'container:serve:1 restart-container (--from train)',
    ]);
  });

  it('--from names a service of the project', () => {
    expect(() => planUp(pipeline, observed([]), { from: 'trian' })).toThrow(/no such service: "trian"/);
  });

  it('--force-recreate re-runs every stage', () => {
    const plan = planUp(pipeline, observed([ran(ingest, 0, 60), ran(train, 61, 120), running(serve, 121)]), {
      forceRecreate: true,
    });
    expect(plan.nodes.filter((n) => n.step.kind === 'recreate-container').map((n) => n.id)).toEqual([
      'container:ingest:1',
      'container:train:1',
      'container:serve:1',
    ]);
  });

  it('a job that never ran, or is still running, is run or left running', () => {
    const plan = planUp(
      pipeline,
      observed([
        container(ingest, 1, { state: 'running', startedAt: at(0) }),
        container(train, 1, { state: 'created' }),
      ]),
    );
    expect(decisions(plan).slice(0, 2)).toEqual([
      'container:ingest:1 keep-job (still running)',
      'container:train:1 start-container (re-run: never ran)',
    ]);
  });

  it('--no-deps keeps the order and waits among the named services', () => {
    const plan = planUp(pipeline, observed([]), { services: ['train', 'serve'], noDeps: true });
    expect(plan.nodes.map((n) => n.id)).not.toContain('container:ingest:1');
    const serveNode = plan.nodes.find((n) => n.id === 'container:serve:1')!;
    expect(serveNode.after).toEqual(['await:train:service_completed_successfully']);
    expect(plan.nodes.find((n) => n.id === 'container:train:1')!.after).toEqual([]);
  });
});

describe('engine timestamps', () => {
  it('keeps nanoseconds and treats the zero time as never', () => {
    expect(engineTime('2026-12-06T14:00:00.000000001Z')! - engineTime('2026-12-06T14:00:00Z')!).toBe(1n);
    expect(engineTime('2026-12-06T14:00:00.5Z')).toBe(engineTime('2026-12-06T14:00:00.500000000Z'));
    expect(engineTime('2026-12-06T16:00:00+02:00')).toBe(engineTime('2026-12-06T14:00:00Z'));
    expect(engineTime('0001-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('GPU requests', () => {
  const gpu = (name: string, request: object, extra: Partial<Service> = {}) =>
    svc(name, {
      deploy: { resources: { reservations: { devices: [{ capabilities: ['gpu'], ...request }] } } },
      ...extra,
    });

  it('are described as the user wrote them', () => {
    expect(describeGpus(gpu('a', { driver: 'nvidia', count: 1 }))).toBe('nvidia, 1 device');
    expect(describeGpus(gpu('a', { driver: 'nvidia', device_ids: ['0', '2'] }))).toBe('nvidia, devices 0,2');
    expect(describeGpus(svc('a', { gpus: [{ count: -1 }] }))).toBe('any driver, all devices');
    expect(describeGpus(svc('a'))).toBeUndefined();
  });

  it('two services on one device, and a GPU service at the default /dev/shm, are warned about', () => {
    const a = gpu('a', { driver: 'nvidia', count: 1 }, { shm_size: 2 ** 31 });
    const b = gpu('b', { driver: 'nvidia', device_ids: ['0'] }, { ipc: 'host' });
    const c = gpu('c', { driver: 'nvidia', device_ids: ['1'] });
    expect(gpuWarnings(projectOf('p', [a, b, c]), new Set(['a', 'b', 'c']))).toEqual([
      'service "c" uses a GPU with the default 64 MB /dev/shm: PyTorch data loaders with workers need more (set shm_size, such as "2gb", or ipc: host)',
      'services "a" and "b" both reserve GPU 0: they will share it (give each its own device_ids to keep them apart)',
    ]);
  });

  it('a GPU service that is restarted or re-run says which GPUs it asks for', () => {
    const t = gpu('train', { driver: 'nvidia', count: 1 }, { depends_on: { ingest: completed }, shm_size: 1 });
    const plan = planUp(projectOf('p', [ingest, t]), observed([ran(ingest, 0, 60, 1)]));
    expect(decisions(plan)[1]).toBe('container:train:1 create-container (not found; GPUs: nvidia, 1 device)');
    expect(plan.nodes.find((n) => n.id === 'container:train:1')!.step).toMatchObject({ explain: true });
  });
});

describe('the pipeline summary', () => {
  const report = svc('report', { depends_on: { train: completed } });
  const project = projectOf('p', [ingest, train, serve, report]);
  const since = Date.parse('2026-12-06T14:01:30Z');

  it('says for each stage whether it was kept, ran, failed, or never started because of which stage', () => {
    const stages = summarizeStages(
      project,
      ['ingest', 'train', 'serve', 'report'],
      [ran(ingest, 0, 60), ran(train, 100, 112, 2)],
      since,
    );
    expect(stages).toEqual([
      { service: 'ingest', outcome: 'up to date', exitCode: 0, seconds: 60 },
      { service: 'train', outcome: 'failed', exitCode: 2, seconds: 12 },
      { service: 'serve', outcome: 'not started', because: 'train' },
      { service: 'report', outcome: 'not started', because: 'train' },
    ]);
    expect(formatSummary(stages)).toEqual([
      'Pipeline:',
      '  ingest   up to date                   exit 0   1m00s',
      '  train    failed                       exit 2   12s',
      '  serve    not started (train failed)',
      '  report   not started (train failed)',
    ]);
  });

  it('a job run by this up is completed, a server is healthy, and a project without jobs gets no summary', () => {
    const stages = summarizeStages(
      project,
      ['ingest', 'train', 'serve'],
      [ran(ingest, 100, 101), ran(train, 102, 104), running(serve, 105, { health: 'healthy' })],
      since,
    );
    expect(stages.map((s) => `${s.service} ${s.outcome}`)).toEqual([
      'ingest completed',
      'train completed',
      'serve healthy',
    ]);
    const servers = projectOf('p', [svc('web'), svc('db')]);
    expect(summarizeStages(servers, ['web', 'db'], [running(svc('web'), 0)], since)).toEqual([]);
  });
});
