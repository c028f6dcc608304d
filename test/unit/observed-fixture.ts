// Observed engine states for planner tests: a service's container as berth would have made it,
// and a snapshot holding containers and the project's default network.
import { networkConfigHash, serviceConfigHash } from '../../src/model/hash.js';
import type { Service } from '../../src/model/types.js';
import type { Observed, ObservedContainer } from '../../src/reconcile/observed.js';

/** Replica `number` of `svc`, running and up to date unless `extra` says otherwise. */
export function container(svc: Service, number: number, extra: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    id: `${svc.name}${number}`.padEnd(64, '0'),
    name: `p-${svc.name}-${number}`,
    service: svc.name,
    number,
    oneoff: false,
    configHash: serviceConfigHash(svc),
    imageId: 'sha256:img',
    imageLabel: 'sha256:img',
    state: 'running',
    labels: {},
    ...extra,
  };
}

/** Project `p` on the engine: these containers, its default network, the busybox image. */
export function observed(containers: ObservedContainer[] = [], extra: Partial<Observed> = {}): Observed {
  return {
    containers,
    networks: {
      p_default: {
        id: 'n1',
        name: 'p_default',
        project: 'p',
        key: 'default',
        configHash: networkConfigHash({ name: 'p_default' }),
      },
    },
    volumes: {},
    images: { busybox: 'sha256:img' },
    ...extra,
  };
}
