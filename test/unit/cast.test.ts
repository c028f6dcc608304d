import { describe, expect, it } from 'vitest';
import { castKnownTypes } from '../../src/loader/cast.js';
import { OverrideTag, ResetTag } from '../../src/loader/parse.js';

const service = (fields: Record<string, unknown>) =>
  castKnownTypes({ services: { web: fields } }).services as Record<string, Record<string, unknown>>;

describe('castKnownTypes', () => {
  it('casts integer fields', () => {
    expect(
      service({
        scale: '3',
        pids_limit: '-1',
        oom_score_adj: '+500',
        cpu_shares: '512',
        mem_swappiness: '60',
        deploy: { replicas: '2', resources: { limits: { pids: '100' } }, restart_policy: { max_attempts: '5' } },
        healthcheck: { retries: '3' },
      }).web,
    ).toEqual({
      scale: 3,
      pids_limit: -1,
      oom_score_adj: 500,
      cpu_shares: 512,
      mem_swappiness: 60,
      deploy: { replicas: 2, resources: { limits: { pids: 100 } }, restart_policy: { max_attempts: 5 } },
      healthcheck: { retries: 3 },
    });
  });

  it('casts float fields', () => {
    expect(
      service({ cpus: '0.5', cpu_percent: '12', deploy: { resources: { limits: { cpus: '1.5e0' } } } }).web,
    ).toEqual({
      cpus: 0.5,
      cpu_percent: 12,
      deploy: { resources: { limits: { cpus: 1.5 } } },
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['On', true],
    ['y', true],
    ['false', false],
    ['No', false],
    ['off', false],
    ['N', false],
  ])('casts boolean %j', (text, expected) => {
    expect(service({ init: text }).web.init).toBe(expected);
  });

  it('casts booleans in nested and top-level fields', () => {
    const out = castKnownTypes({
      services: {
        web: {
          depends_on: { db: { condition: 'service_started', required: 'false', restart: 'true' } },
          volumes: [
            { type: 'bind', read_only: 'yes', bind: { create_host_path: 'true' } },
            { type: 'volume', volume: { nocopy: 'on' } },
          ],
          healthcheck: { disable: 'true' },
        },
      },
      networks: { front: { external: 'true', internal: 'false', attachable: 'true', enable_ipv6: 'no' } },
      volumes: { data: { external: 'true' } },
      secrets: { token: { external: 'false' } },
      configs: { conf: { external: 'true' } },
    });
    expect(out).toEqual({
      services: {
        web: {
          depends_on: { db: { condition: 'service_started', required: false, restart: true } },
          volumes: [
            { type: 'bind', read_only: true, bind: { create_host_path: true } },
            { type: 'volume', volume: { nocopy: true } },
          ],
          healthcheck: { disable: true },
        },
      },
      networks: { front: { external: true, internal: false, attachable: true, enable_ipv6: false } },
      volumes: { data: { external: true } },
      secrets: { token: { external: false } },
      configs: { conf: { external: true } },
    });
  });

  it('casts list items and map entries matched by wildcards', () => {
    expect(
      service({
        ports: [{ target: '80', published: '8080' }, '9000:9000'],
        ulimits: { nproc: '65535', nofile: { soft: '20000', hard: '40000' } },
        volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: '1000' } }],
        deploy: { resources: { reservations: { devices: [{ count: '2' }, { count: 'all' }] } } },
      }).web,
    ).toEqual({
      ports: [{ target: 80, published: '8080' }, '9000:9000'],
      ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 } },
      volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: 1000 } }],
      deploy: { resources: { reservations: { devices: [{ count: 2 }, { count: 'all' }] } } },
    });
  });

  it('reads file modes as octal', () => {
    expect(service({ secrets: [{ source: 's', mode: '0440' }], configs: [{ source: 'c', mode: '755' }] }).web).toEqual({
      secrets: [{ source: 's', mode: 0o440 }],
      configs: [{ source: 'c', mode: 0o755 }],
    });
  });

  it('leaves strings that do not parse cleanly for the schema check', () => {
    expect(
      service({
        scale: 'three',
        cpus: '1,5',
        init: 'maybe',
        pids_limit: ' 10',
        mem_limit: '512m',
        secrets: [{ source: 's', mode: '0948' }],
        deploy: { replicas: '1.5' },
      }).web,
    ).toEqual({
      scale: 'three',
      cpus: '1,5',
      init: 'maybe',
      pids_limit: ' 10',
      mem_limit: '512m',
      secrets: [{ source: 's', mode: '0948' }],
      deploy: { replicas: '1.5' },
    });
  });

  it('leaves values at other paths and non-string values alone', () => {
    const input = {
      services: { web: { image: '3', environment: { tty: 'true' }, labels: { scale: '3' }, scale: 2, init: false } },
      'x-custom': { replicas: '3' },
    };
    expect(castKnownTypes(input)).toEqual(input);
  });

  it('casts inside !override and keeps !reset', () => {
    const web = service({ scale: new OverrideTag('4'), tty: new ResetTag() }).web;
    expect(web.scale).toBeInstanceOf(OverrideTag);
    expect((web.scale as OverrideTag).value).toBe(4);
    expect(web.tty).toBeInstanceOf(ResetTag);
  });

  it('does not modify its input', () => {
    const input = { services: { web: { scale: '2' } } };
    castKnownTypes(input);
    expect(input.services.web.scale).toBe('2');
  });
});
