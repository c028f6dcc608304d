// -e on exec and run: KEY=VALUE sets, a bare KEY takes its value from an environment or is left out.
import { describe, expect, it } from 'vitest';
import { envArgs, envList } from '../../src/engine/env-args.js';

describe('envArgs', () => {
  it('sets KEY=VALUE (the value may hold "="), takes a bare KEY from the lookup, and drops it when unset', () => {
    const env = envArgs(['A=1', 'B=x=y', 'HOME', 'MISSING', 'EMPTY='], (key) => ({ HOME: '/root' })[key]);
    expect(env).toEqual({ A: '1', B: 'x=y', HOME: '/root', EMPTY: '' });
    expect(envList(env)).toEqual(['A=1', 'B=x=y', 'HOME=/root', 'EMPTY=']);
  });

  it('keeps names that are Object.prototype keys as plain variables, and rejects an empty name', () => {
    expect(Object.keys(envArgs(['__proto__=1', 'constructor=2'], () => undefined))).toEqual([
      '__proto__',
      'constructor',
    ]);
    expect(() => envArgs(['=1'], () => undefined)).toThrow(/the name is empty/);
  });
});
