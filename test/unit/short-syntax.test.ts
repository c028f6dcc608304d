import { describe, expect, it } from 'vitest';
import { toCanonical } from '../../src/loader/canonical.js';
import type { Dict } from '../../src/loader/paths.js';
import { parsePortSpec } from '../../src/loader/short-syntax/ports.js';
import { parseVolume } from '../../src/loader/short-syntax/volumes.js';

// `run -p` and `run -v` call these parsers directly; a file's `ports:` and `volumes:` go through
// the canonical stage. The same spec must give the same long syntax either way.
function canonicalField(field: string, spec: string): unknown {
  const out = toCanonical({ services: { web: { [field]: [spec] } } });
  return ((out.services as Dict).web as Dict)[field];
}

describe('short-syntax parsers called directly', () => {
  it.each(['80', '8080:80', '127.0.0.1:8080:80/udp', '[::1]:9000-9001:80-81', '8000-8010:80', '9999-10000'])(
    'port %j reads as the canonical stage reads it',
    (spec) => {
      expect(parsePortSpec(spec)).toEqual(canonicalField('ports', spec));
    },
  );

  it.each(['/data', './src:/data:ro', 'cache:/cache:nocopy', 'cache:/cache:rshared', '~/x:/x:z', 'C:\\w:/w'])(
    'volume %j reads as the canonical stage reads it',
    (spec) => {
      expect(parseVolume(spec)).toEqual((canonicalField('volumes', spec) as unknown[])[0]);
    },
  );

  it('gives bind options on a named volume the long syntax default', () => {
    expect(parseVolume('cache:/cache:rshared')).toEqual({
      type: 'volume',
      source: 'cache',
      target: '/cache',
      bind: { propagation: 'rshared', create_host_path: true },
      volume: {},
    });
  });
});
