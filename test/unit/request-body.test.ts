import { describe, expect, it } from 'vitest';
import { bodyOnly, containerCreateRequest } from '../../src/engine/request-body.js';

describe('engine requests carry their configuration in the body only', () => {
  it('a container create puts only the name and platform in the query', () => {
    const request = containerCreateRequest({
      name: 'proj-web-1',
      platform: 'linux/amd64',
      Image: 'busybox',
      Env: ['TOKEN=s3cret'],
    }) as unknown;
    expect(request).toEqual({
      _query: { name: 'proj-web-1', platform: 'linux/amd64' },
      _body: { Image: 'busybox', Env: ['TOKEN=s3cret'] },
    });
  });

  it('leaves unset query parameters out rather than sending them empty', () => {
    expect(containerCreateRequest({ Image: 'busybox' }) as unknown).toEqual({
      _query: {},
      _body: { Image: 'busybox' },
    });
    expect(bodyOnly({ Name: 'net' }, { version: 7, unset: undefined }) as unknown).toEqual({
      _query: { version: 7 },
      _body: { Name: 'net' },
    });
  });
});
