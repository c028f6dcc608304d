import { describe, expect, it } from 'vitest';
import { networkConfigHash, serviceConfigHash, volumeConfigHash } from '../../src/model/hash.js';
import type { Service, Volume } from '../../src/model/types.js';
import type { Observed } from '../../src/reconcile/observed.js';
import { planUp } from '../../src/reconcile/plan.js';
import { projectOf } from './project-fixture.js';

const app: Service = {
  name: 'app',
  image: 'busybox',
  networks: { default: null },
  volumes: [{ type: 'volume', source: 'data', target: '/data' }],
};

/** The engine holding app's container, which mounts `mounted`, and both volumes. */
function observed(mounted: string[] | undefined, volumes: Record<string, Volume>): Observed {
  return {
    containers: [
      {
        id: 'a'.repeat(64),
        name: 'p-app-1',
        service: 'app',
        number: 1,
        oneoff: false,
        configHash: serviceConfigHash(app),
        imageId: 'sha256:img',
        imageLabel: 'sha256:img',
        state: 'running',
        labels: {},
        volumes: mounted,
      },
    ],
    networks: {
      p_default: {
        id: 'n1',
        name: 'p_default',
        project: 'p',
        key: 'default',
        configHash: networkConfigHash({ name: 'p_default' }),
      },
    },
    volumes: Object.fromEntries(
      Object.values(volumes).map((v) => [
        v.name,
        { name: v.name, project: 'p', key: 'data', configHash: volumeConfigHash(v) },
      ]),
    ),
    images: { busybox: 'sha256:img' },
  };
}

const appStep = (plan: ReturnType<typeof planUp>) => plan.nodes.find((n) => n.id === 'container:app:1');

describe('planUp: named volumes a container mounts', () => {
  it('recreates a container that does not mount the volume its key now names (a changed `name:`)', () => {
    const second = { name: 'second' };
    const plan = planUp(projectOf('p', [app], { volumes: { data: second } }), observed(['first'], { data: second }));
    expect(appStep(plan)).toMatchObject({
      step: { kind: 'recreate-container' },
      reason: 'volume second is not mounted',
    });
  });

  it('keeps a container that mounts the volumes it should', () => {
    const first = { name: 'first' };
    const plan = planUp(
      projectOf('p', [app], { volumes: { data: first } }),
      observed(['first', 'a'.repeat(64)], { data: first }),
    );
    expect(appStep(plan)).toBeUndefined();
  });

  it('keeps a container whose mounts were not observed', () => {
    const second = { name: 'second' };
    const plan = planUp(projectOf('p', [app], { volumes: { data: second } }), observed(undefined, { data: second }));
    expect(appStep(plan)).toBeUndefined();
  });
});
