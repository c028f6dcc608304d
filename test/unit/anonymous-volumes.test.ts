import { describe, expect, it } from 'vitest';
import { containerSpec, type ContainerSpecInput } from '../../src/engine/convert.js';
import type { Service } from '../../src/model/types.js';

const OLD_DATA = 'a'.repeat(64);
const OLD_CACHE = 'b'.repeat(64);

function mounts(service: Partial<Service>, inheritedVolumes?: Record<string, string>) {
  const input: ContainerSpecInput = {
    projectName: 'proj',
    service: { name: 'db', ...service },
    number: 1,
    containerName: 'proj-db-1',
    ownershipLabels: {},
    networks: { default: { name: 'proj_default' } },
    volumes: { named: { name: 'proj_named' } },
    secrets: {},
    configs: {},
    image: 'postgres:15-bookworm',
    containerOf: (s) => `proj-${s}-1`,
    containerNamesOf: (s) => [`proj-${s}-1`],
    hostEnv: {},
    envFromFiles: {},
    inheritedVolumes,
  };
  const host = containerSpec(input).create.HostConfig!;
  return { mounts: host.Mounts ?? [], binds: host.Binds ?? [] };
}

describe('a recreated container keeps the anonymous volumes of the one it replaces', () => {
  it("mounts the old volume at an image VOLUME path the service does not mount (postgres's data directory)", () => {
    expect(mounts({}, { '/var/lib/postgresql/data': OLD_DATA }).mounts).toEqual([
      { Type: 'volume', Source: OLD_DATA, Target: '/var/lib/postgresql/data' },
    ]);
  });

  it('gives a declared anonymous volume the old one, keeping its options', () => {
    const { mounts: m } = mounts(
      { volumes: [{ type: 'volume', target: '/cache/', read_only: true }] },
      { '/cache': OLD_CACHE },
    );
    expect(m).toEqual([{ Type: 'volume', Source: OLD_CACHE, Target: '/cache/', ReadOnly: true }]);
  });

  it('never replaces what the service now mounts at that path: a named volume, a bind or a tmpfs', () => {
    const service: Partial<Service> = {
      volumes: [
        { type: 'volume', source: 'named', target: '/var/lib/postgresql/data' },
        { type: 'bind', source: '/srv/cache', target: '/cache' },
      ],
      tmpfs: ['/scratch:size=1m'],
    };
    const result = mounts(service, {
      '/var/lib/postgresql/data': OLD_DATA,
      '/cache': OLD_CACHE,
      '/scratch': 'c'.repeat(64),
    });
    expect(result.mounts).toEqual([{ Type: 'volume', Source: 'proj_named', Target: '/var/lib/postgresql/data' }]);
    expect(result.binds).toEqual(['/srv/cache:/cache:rw']);
  });

  it('mounts nothing extra for a first container', () => {
    expect(mounts({}).mounts).toEqual([]);
  });
});
