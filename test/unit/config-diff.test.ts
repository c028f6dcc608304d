import { describe, expect, it } from 'vitest';
import { decodeConfigLabel, encodeConfigLabel } from '../../src/model/config-label.js';
import { hashedServiceConfig, serviceConfigHash } from '../../src/model/hash.js';
import { BerthLabel } from '../../src/model/labels.js';
import type { Service } from '../../src/model/types.js';
import { describeChanges, diffConfig, shortImageId } from '../../src/reconcile/config-diff.js';
import type { ObservedContainer } from '../../src/reconcile/observed.js';
import { recreateReason } from '../../src/reconcile/plan.js';
import { projectOf } from './project-fixture.js';

const changes = (before: unknown, after: unknown) => describeChanges(diffConfig(before, after), 50);

describe('diffConfig', () => {
  it('names a changed variable with its old and new value', () => {
    expect(changes({ environment: { DEBUG: '0', A: 'x' } }, { environment: { DEBUG: '1', A: 'x' } })).toBe(
      'environment.DEBUG: "0" -> "1"',
    );
  });

  it('names an added network and a removed one by their paths alone', () => {
    expect(changes({ networks: { front: null } }, { networks: { front: null, backend: null } })).toBe(
      'networks.backend added',
    );
    expect(changes({ networks: { front: null, backend: { aliases: ['b'] } } }, { networks: { front: null } })).toBe(
      'networks.backend removed',
    );
  });

  it('locates list changes by index, and an added scalar with its value', () => {
    expect(
      changes(
        { ports: [{ target: 80, published: '8080' }], command: ['sleep', '1'] },
        { ports: [{ target: 80, published: '8081' }], command: ['sleep', '1', 'x'] },
      ),
    ).toBe('command[2] added ("x"); ports[0].published: "8080" -> "8081"');
  });

  it('never prints the value of a credential-like variable or of copied secret content', () => {
    const text = changes(
      { environment: { DB_PASSWORD: 'hunter22' }, 'copied-content': { 'secrets.key': 'aa' } },
      { environment: { DB_PASSWORD: 'swordfish' }, 'copied-content': { 'secrets.key': 'bb' } },
    );
    expect(text).toBe(
      'copied-content.secrets.key: ******** -> ********; environment.DB_PASSWORD: ******** -> ********',
    );
    expect(text).not.toMatch(/hunter22|swordfish/);
  });

  it('finds nothing when only key order differs', () => {
    expect(diffConfig({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('shows the first few changes and counts the rest', () => {
    const before = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`V${i}`, '0']));
    const after = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`V${i}`, '1']));
    expect(describeChanges(diffConfig({ environment: before }, { environment: after }))).toMatch(
      /environment\.V4: "0" -> "1"; and 3 more$/,
    );
  });

  it('shortens image IDs', () => {
    expect(shortImageId(`sha256:${'ab12'.repeat(16)}`)).toBe('sha256:ab12ab12ab12..');
  });
});

describe('the config label', () => {
  it('round-trips a config, holding a credential only as a digest', () => {
    const label = encodeConfigLabel({ image: 'busybox', environment: { API_TOKEN: 'tok-123456', MODE: 'dev' } });
    expect(Buffer.from(label, 'base64').toString('latin1')).not.toContain('tok-123456');
    const stored = decodeConfigLabel({ [BerthLabel.config]: label }) as { environment: Record<string, string> };
    expect(stored.environment.MODE).toBe('dev');
    expect(stored.environment.API_TOKEN).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('reads an absent or damaged label as no stored config', () => {
    expect(decodeConfigLabel({})).toBeUndefined();
    expect(decodeConfigLabel({ [BerthLabel.config]: 'not base64 deflate' })).toBeUndefined();
  });
});

describe('recreateReason', () => {
  const before: Service = {
    name: 'web',
    image: 'busybox',
    environment: { DEBUG: '0', DB_PASSWORD: 'old-secret' },
    networks: { default: null },
  };
  const project = projectOf('p', [before]);
  const sources = { project, environment: {} };
  const container = (labels: Record<string, string>): ObservedContainer => ({
    id: 'c1',
    name: 'p-web-1',
    service: 'web',
    number: 1,
    oneoff: false,
    configHash: serviceConfigHash(before, sources),
    imageId: 'sha256:img',
    imageLabel: `sha256:${'ab12'.repeat(16)}`,
    state: 'running',
    labels,
  });
  const stored = { [BerthLabel.config]: encodeConfigLabel(hashedServiceConfig(before, sources)) };
  const wantedFor = (service: Service, image?: string) => ({
    hash: serviceConfigHash(service, sources),
    image,
    service,
    sources,
  });

  it('names the changed variable, and a changed secret variable without its value', () => {
    const after = { ...before, environment: { DEBUG: '1', DB_PASSWORD: 'new-secret' } };
    const reason = recreateReason(container(stored), wantedFor(after), {}, []);
    expect(reason).toBe('environment.DB_PASSWORD: ******** -> ********; environment.DEBUG: "0" -> "1"');
    expect(reason).not.toMatch(/secret/);
  });

  it('says "config hash changed" for a container without the stored config (made by Compose)', () => {
    const after = { ...before, environment: { DEBUG: '1' } };
    expect(recreateReason(container({}), wantedFor(after), {}, [])).toBe('config hash changed');
  });

  it('names the old and new image ID when only the image changed', () => {
    expect(recreateReason(container(stored), wantedFor(before, `sha256:${'cd34'.repeat(16)}`), {}, [])).toBe(
      'image: sha256:ab12ab12ab12.. -> sha256:cd34cd34cd34..',
    );
  });

  it('keeps an unchanged container', () => {
    expect(recreateReason(container(stored), wantedFor(before, `sha256:${'ab12'.repeat(16)}`), {}, [])).toBeUndefined();
  });
});
