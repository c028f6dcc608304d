import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { checkAllPresent } from '../../src/engine/wait.js';

const listed = (...services: string[]) =>
  services.map((service) => ({ Labels: { [Label.service]: service } }) as unknown as Docker.ContainerInfo);

describe('a wait starts only when every container of the service is there', () => {
  it('passes with all replicas, or more while a scale-down is pending', () => {
    expect(() => checkAllPresent('web', 2, listed('web', 'web', 'db'))).not.toThrow();
    expect(() => checkAllPresent('web', 1, listed('web', 'web'))).not.toThrow();
    expect(() => checkAllPresent('web', 0, listed())).not.toThrow();
  });

  it('fails, counting what is missing, when containers were removed before the wait began', () => {
    expect(() => checkAllPresent('web', 15, listed(...Array<string>(14).fill('web'), 'db'))).toThrow(
      'service "web" has 14 of its 15 containers: one was removed while berth waited, or never created',
    );
    expect(() => checkAllPresent('db', 2, listed('web'))).toThrow(
      'service "db" has 0 of its 2 containers: 2 were removed while berth waited, or never created',
    );
  });
});
