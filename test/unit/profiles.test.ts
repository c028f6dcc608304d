// Profiles: which services run, and what a dependency on a service left out means.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { allProfiles, applyProfiles, isServiceEnabled } from '../../src/loader/profiles.js';
import type { Service } from '../../src/model/types.js';
import { tempTree, rejection, lines } from './loader-helpers.js';

const project = (compose: string) => tempTree({ 'compose.yaml': compose });
const load = (cwd: string, options: LoadOptions = {}) =>
  loadProject({ cwd, environment: {}, projectName: 'p', ...options });

const COMPOSE = lines(
  'services:',
  '  web: {image: x}',
  '  debug: {image: x, profiles: [debug]}',
  '  tools: {image: x, profiles: [tools, ops]}',
  '  both: {image: x, profiles: [debug, tools]}',
);

describe('isServiceEnabled and applyProfiles', () => {
  const svc = (profiles?: string[]) => ({ profiles }) as Pick<Service, 'profiles'>;

  it('enables a service without profiles always, one with profiles when any of them is active', () => {
    expect(isServiceEnabled(svc(), [])).toBe(true);
    expect(isServiceEnabled(svc([]), ['x'])).toBe(true);
    expect(isServiceEnabled(svc(['a', 'b']), [])).toBe(false);
    expect(isServiceEnabled(svc(['a', 'b']), ['b'])).toBe(true);
    expect(isServiceEnabled(svc(['a']), ['c'])).toBe(false);
    expect(isServiceEnabled(svc(['a']), ['*'])).toBe(true);
  });

  it('splits services into enabled and disabled, keeping every name as a plain key', () => {
    const services = { web: { name: 'web' }, __proto__x: { name: 'x' } } as unknown as Record<string, Service>;
    Object.defineProperty(services, '__proto__', { value: { name: '__proto__', profiles: ['p'] }, enumerable: true });
    const { enabled, disabled } = applyProfiles(services, []);
    expect(Object.keys(enabled)).toEqual(['web', '__proto__x']);
    expect(Object.keys(disabled)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(disabled)).toBe(Object.prototype);
  });

  it('lists every profile once, sorted', () => {
    const group = { a: { profiles: ['z', 'b'] }, b: {}, c: { profiles: ['b'] } } as unknown as Record<string, Service>;
    expect(allProfiles([group, { d: { profiles: ['a'] } } as unknown as Record<string, Service>])).toEqual([
      'a',
      'b',
      'z',
    ]);
  });
});

describe('profiles through loadProject', () => {
  it('leaves out services whose profiles are all inactive', async () => {
    const loaded = await load(project(COMPOSE));
    expect(Object.keys(loaded.project.services)).toEqual(['web']);
    expect(Object.keys(loaded.disabledServices)).toEqual(['debug', 'tools', 'both']);
  });

  it('enables services with any active profile', async () => {
    expect(Object.keys((await load(project(COMPOSE), { profiles: ['ops'] })).project.services)).toEqual([
      'web',
      'tools',
    ]);
    expect(Object.keys((await load(project(COMPOSE), { profiles: ['debug'] })).project.services)).toEqual([
      'web',
      'debug',
      'both',
    ]);
  });

  it('enables every service with "*"', async () => {
    const loaded = await load(project(COMPOSE), { profiles: ['*'] });
    expect(Object.keys(loaded.project.services)).toEqual(['web', 'debug', 'tools', 'both']);
    expect(loaded.disabledServices).toEqual({});
  });

  it('takes COMPOSE_PROFILES, comma separated, when no profile is given', async () => {
    const loaded = await load(project(COMPOSE), { environment: { COMPOSE_PROFILES: ' debug , ops ' } });
    expect(loaded.profiles).toEqual(['debug', 'ops']);
    expect(Object.keys(loaded.project.services)).toEqual(['web', 'debug', 'tools', 'both']);
  });

  it('rejects a required dependency on a disabled service, naming its profiles', async () => {
    const dir = project(
      lines(
        'services:',
        '  web:',
        '    image: x',
        '    depends_on:',
        '      - tools',
        '  tools: {image: x, profiles: [tools, ops]}',
      ),
    );
    const err = await rejection(load(dir));
    expect(err.code).toBe('reference');
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}:5:7: services.web.depends_on.tools: service "web" depends on "tools", which is disabled: enable one of its profiles (tools, ops)`,
    );
    // With the profile active, the same file loads.
    expect(Object.keys((await load(dir, { profiles: ['ops'] })).project.services)).toEqual(['web', 'tools']);
  });

  it('rejects a namespace shared with a disabled service the same way, at the field that names it', async () => {
    const dir = project(
      lines(
        'services:',
        '  web:',
        '    image: x',
        '    network_mode: service:vpn',
        '  vpn: {image: x, profiles: [vpn]}',
      ),
    );
    const err = await rejection(load(dir));
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}:4:19: services.web.network_mode: service "web" depends on "vpn", which is disabled: enable one of its profiles (vpn)`,
    );
  });

  it('drops an optional dependency on a disabled service, with a warning', async () => {
    const dir = project(
      lines(
        'services:',
        '  web:',
        '    image: x',
        '    depends_on:',
        '      tools: {condition: service_started, required: false}',
        '  tools: {image: x, profiles: [tools]}',
      ),
    );
    const warnings: string[] = [];
    const { project: p } = await load(dir, { onWarning: (m) => warnings.push(m) });
    expect(p.services.web.depends_on).toEqual({});
    expect(warnings).toEqual([
      'service "web" has an optional dependency on "tools", which is not part of the project; ignored',
    ]);
  });

  it('does not check the references of a disabled service', async () => {
    const dir = project(
      lines(
        'services:',
        '  web: {image: x}',
        '  broken:',
        '    image: x',
        '    profiles: [never]',
        '    networks: [undefined-net]',
        '    depends_on: [ghost]',
      ),
    );
    expect(Object.keys((await load(dir)).project.services)).toEqual(['web']);
  });
});
