// Errors quote a value as it was written: a value interpolated from a secret shows as
// `${DB_PASSWORD}`, never as the password (issue 21, item 4).
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { loadProject } from '../../src/loader/index.js';
import { lookupIn } from '../../src/loader/environment.js';
import { SourceText } from '../../src/loader/source-text.js';
import type { PathSegment } from '../../src/loader/paths.js';
import { lines, rejection, tempTree } from './loader-helpers.js';

const PASSWORD = 'hunter2-Secret';

describe('SourceText', () => {
  const written = (env: Record<string, string>, entries: [PathSegment[], string, string][]) => {
    const text = new SourceText(lookupIn(env));
    for (const [path, raw, value] of entries) text.record(path, raw, value);
    return text;
  };
  const error = (detail: string, path: string) =>
    new LoadError('schema', detail, { position: { file: 'c.yaml', line: 3, column: 5 }, path });

  it('puts the written text back where the message quotes the whole value, keeping the position', () => {
    const text = written({ P: PASSWORD }, [[['services', 'web', 'cpus'], '${P}', PASSWORD]]);
    const out = text.requote(error(`invalid cpus "${PASSWORD}": expected a number`, 'services.web.cpus')) as LoadError;
    expect(out.message).toBe('c.yaml:3:5: services.web.cpus: invalid cpus "${P}": expected a number');
    expect([out.code, out.path, out.position]).toEqual([
      'schema',
      'services.web.cpus',
      { file: 'c.yaml', line: 3, column: 5 },
    ]);
  });

  it('names the variable where the message quotes only the part it put in', () => {
    const text = written({ P: PASSWORD }, [[['services', 'web', 'ports', 0], '8080:${P}', `8080:${PASSWORD}`]]);
    const out = text.requote(
      error(`invalid port "8080:${PASSWORD}": "${PASSWORD}" is not a port`, 'services.web.ports'),
    );
    expect((out as LoadError).detail).toBe('invalid port "8080:${P}": "${P}" is not a port');
  });

  it('replaces a long enough value unquoted too, and a JSON-escaped quote as JSON writes it', () => {
    const text = written({ N: '-123456', Q: 'a"b' }, [
      [['services', 'web', 'scale'], '${N}', '-123456'],
      [['services', 'web', 'user'], '${Q}', 'a"b'],
    ]);
    expect((text.requote(error('expected at least 0, got -123456', 'services.web.scale')) as LoadError).detail).toBe(
      'expected at least 0, got ${N}',
    );
    expect((text.requote(error('got "a\\"b"', 'services.web.user')) as LoadError).detail).toBe('got "${Q}"');
  });

  it('leaves alone other paths, errors without a path, and errors that are not LoadErrors', () => {
    const text = written({ P: PASSWORD }, [[['services', 'web', 'cpus'], '${P}', PASSWORD]]);
    const other = error(`"${PASSWORD}"`, 'services.web.cpu_count');
    expect(text.requote(other)).toBe(other);
    const plain = new Error(PASSWORD);
    expect(text.requote(plain)).toBe(plain);
  });
});

describe('a validation error on an interpolated value', () => {
  const cases: [string, string][] = [
    ['ports', '    ports: ["${DB_PASSWORD}"]'],
    ['ports, in part', '    ports: ["127.0.0.1:${DB_PASSWORD}:80"]'],
    ['mem_limit', '    mem_limit: ${DB_PASSWORD}'],
    ['cpus', '    cpus: ${DB_PASSWORD}'],
    ['healthcheck.interval', '    healthcheck:\n      test: ["CMD", "true"]\n      interval: ${DB_PASSWORD}'],
    ['extra_hosts', '    extra_hosts: ["${DB_PASSWORD}"]'],
    ['scale', '    scale: ${DB_PASSWORD}'],
  ];

  for (const [field, yaml] of cases) {
    it(`in ${field} quotes "\${DB_PASSWORD}", not the password, whether it comes from the shell or .env`, async () => {
      const compose = lines('services:', '  web:', '    image: busybox', yaml);
      const fromShell = await rejection(
        loadProject({ cwd: tempTree({ 'compose.yaml': compose }), environment: { DB_PASSWORD: PASSWORD } }),
      );
      const fromDotenv = await rejection(
        loadProject({
          cwd: tempTree({ 'compose.yaml': compose, '.env': `DB_PASSWORD=${PASSWORD}\n` }),
          environment: {},
        }),
      );
      for (const err of [fromShell, fromDotenv]) {
        expect(err.message).toContain('${DB_PASSWORD}');
        expect(err.message).not.toContain('hunter2');
        expect(err.message).toMatch(/compose\.yaml:\d+:\d+: services\.web\./);
      }
    });
  }
});

describe('a long interpolated value', () => {
  it('is quoted as written even where the schema message cuts what it found short', async () => {
    const token = 'a'.repeat(40) + 'b'.repeat(40);
    const compose = lines('services:', '  web:', '    image: busybox', '    scale: ${API_TOKEN}');
    const err = await rejection(
      loadProject({ cwd: tempTree({ 'compose.yaml': compose }), environment: { API_TOKEN: token } }),
    );
    expect(err.message).toMatch(/services\.web\.scale: expected .*, got "\$\{API_TOKEN\}"$/);
    expect(err.message).not.toContain('aaaaaaaa');
  });
});
