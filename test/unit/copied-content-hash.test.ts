import { describe, expect, it } from 'vitest';
import { serviceConfigHash } from '../../src/model/hash.js';
import type { FileObject, Service } from '../../src/model/types.js';

const service: Service = {
  name: 'app',
  image: 'busybox',
  secrets: [{ source: 'token' }],
  configs: [{ source: 'motd' }],
};

function sources(token: FileObject, environment: Record<string, string | undefined> = {}) {
  return { project: { secrets: { token }, configs: { motd: { name: 'p_motd', content: 'hello' } } }, environment };
}

describe('the config hash counts the content berth copies into a container', () => {
  it('changes with the value of an environment-sourced secret, and only then', () => {
    const first = serviceConfigHash(
      service,
      sources({ name: 'p_token', environment: 'APP_TOKEN' }, { APP_TOKEN: 'one' }),
    );
    expect(
      serviceConfigHash(
        service,
        sources({ name: 'p_token', environment: 'APP_TOKEN' }, { APP_TOKEN: 'one', OTHER: 'x' }),
      ),
    ).toBe(first);
    expect(
      serviceConfigHash(service, sources({ name: 'p_token', environment: 'APP_TOKEN' }, { APP_TOKEN: 'two' })),
    ).not.toBe(first);
  });

  it("changes with a config's inline content", () => {
    const base = sources({ name: 'p_token', file: '/srv/token' });
    const changed = { ...base, project: { ...base.project, configs: { motd: { name: 'p_motd', content: 'bye' } } } };
    expect(serviceConfigHash(service, changed)).not.toBe(serviceConfigHash(service, base));
  });

  it('keeps the hash it always had for a service with no copied content (no needless recreate after an upgrade)', () => {
    const plain: Service = { name: 'web', image: 'nginx', secrets: [{ source: 'token' }] };
    expect(serviceConfigHash(plain, sources({ name: 'p_token', file: '/srv/token' }))).toBe(serviceConfigHash(plain));
  });
});
