import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/types.js';
import { formatPlan, planImages } from '../../src/reconcile/plan.js';
import { groupBuilds } from '../../src/reconcile/build-groups.js';
import { projectOf } from './project-fixture.js';

function service(name: string, extra: Partial<Service> = {}): Service {
  return { name, networks: { default: null }, ...extra };
}

const app = { context: '/src/app', args: { MODE: 'prod' } };

describe('groupBuilds', () => {
  it('services with the same build share one build that writes every tag', () => {
    const project = projectOf('p', [
      service('web', { build: { ...app, tags: ['registry/web:1'] } }),
      service('worker', { build: { ...app } }),
      service('other', { build: { ...app, target: 'debug' } }),
    ]);
    expect(groupBuilds(project, ['web', 'worker', 'other'])).toEqual([
      { service: 'web', services: ['web', 'worker'], image: 'p-web', tags: ['registry/web:1', 'p-worker'], after: [] },
      { service: 'other', services: ['other'], image: 'p-other', tags: [], after: [] },
    ]);
  });

  it('a service running the image another service builds joins that build', () => {
    const project = projectOf('p', [
      service('tool', { image: 'tools:1' }),
      service('tooling', { image: 'tools:1', build: { context: '/src/tools' } }),
    ]);
    expect(groupBuilds(project, ['tool'])).toEqual([
      { service: 'tooling', services: ['tooling', 'tool'], image: 'tools:1', tags: [], after: [] },
    ]);
  });

  it('two different builds writing the same tag run one after the other', () => {
    const project = projectOf('p', [
      service('a', { image: 'shared:1', build: { context: '/src/a' } }),
      service('b', { image: 'shared:1', build: { context: '/src/b' } }),
      service('c', { build: { context: '/src/c' } }),
    ]);
    expect(groupBuilds(project, ['a', 'b', 'c']).map((g) => g.after)).toEqual([[], [0], []]);
  });
});

describe('planImages with shared builds', () => {
  it('plans one build step for a shared build and no pull for an image a service builds', () => {
    const project = projectOf('p', [
      service('tool', { image: 'tools:1' }),
      service('web', { build: { ...app } }),
      service('worker', { build: { ...app } }),
      service('tooling', { image: 'tools:1', build: { context: '/src/tools' } }),
      service('db', { image: 'postgres:15' }),
    ]);
    const plan = planImages(project, { images: {} });
    expect(formatPlan(plan)).toBe(
      [
        'image:tooling build-image (image not built yet; also for tool)',
        'image:web build-image (image not built yet; also for worker)',
        'image:db pull-image (image not present)',
      ].join('\n'),
    );
    expect(plan.nodes[1].step).toEqual({ kind: 'build-image', service: 'web', image: 'p-web', tags: ['p-worker'] });
  });

  it('a present image another service builds is left alone unless a build is asked for', () => {
    const project = projectOf('p', [
      service('tool', { image: 'tools:1' }),
      service('tooling', { image: 'tools:1', build: { context: '/src/tools' } }),
    ]);
    const present = { images: { 'tools:1': 'sha256:x' } };
    expect(planImages(project, present, { services: new Set(['tool']) }).nodes).toEqual([]);
    expect(planImages(project, present, { services: new Set(['tool']), build: true }).nodes.map((n) => n.id)).toEqual([
      'image:tooling',
    ]);
  });
});
