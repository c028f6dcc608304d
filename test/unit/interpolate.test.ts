import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { interpolateString, interpolateTree, InterpolationError } from '../../src/loader/interpolate.js';
import { OverrideTag, parseComposeText, ResetTag } from '../../src/loader/parse.js';

const env: Record<string, string> = { FOO: 'first', EMPTY: '', B: 'bee' };
const lookup = (name: string) => env[name];
const sub = (text: string) => interpolateString(text, lookup);

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('interpolateString', () => {
  it('substitutes $VAR and ${VAR}', () => {
    expect(sub('a $FOO b')).toBe('a first b');
    expect(sub('a ${FOO} b')).toBe('a first b');
    expect(sub('$FOO-bar')).toBe('first-bar');
    expect(sub('${FOO}${B}$B')).toBe('firstbeebee');
    expect(sub('$FOO.$B')).toBe('first.bee');
  });

  it('turns $$ into a literal $ and keeps a $ that starts no expression', () => {
    expect(sub('$$FOO')).toBe('$FOO');
    expect(sub('$${FOO}')).toBe('${FOO}');
    expect(sub('cost: 5$ and $ 1')).toBe('cost: 5$ and $ 1');
    expect(sub('^REGEX$')).toBe('^REGEX$');
    expect(sub('$}')).toBe('$}');
    expect(sub('$1')).toBe('$1');
    expect(sub('$$$FOO')).toBe('$first');
  });

  it('substitutes an unset variable with a blank and warns', () => {
    const warnings: string[] = [];
    expect(interpolateString('x${NOPE}y$NADA', lookup, (w) => warnings.push(w))).toBe('xy');
    expect(warnings).toEqual([
      'The "NOPE" variable is not set. Defaulting to a blank string.',
      'The "NADA" variable is not set. Defaulting to a blank string.',
    ]);
  });

  it('does not warn about a variable that is set but empty, nor when an operator handles it', () => {
    const warnings: string[] = [];
    expect(interpolateString('[${EMPTY}][${NOPE:-d}][${NOPE+r}]', lookup, (w) => warnings.push(w))).toBe('[][d][]');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['${FOO:-def}', 'first'],
    ['${EMPTY:-def}', 'def'],
    ['${NOPE:-def}', 'def'],
    ['${FOO-def}', 'first'],
    ['${EMPTY-def}', ''],
    ['${NOPE-def}', 'def'],
    ['${FOO:+rep}', 'rep'],
    ['${EMPTY:+rep}', ''],
    ['${NOPE:+rep}', ''],
    ['${FOO+rep}', 'rep'],
    ['${EMPTY+rep}', 'rep'],
    ['${NOPE+rep}', ''],
    ['${FOO:?msg}', 'first'],
    ['${FOO?msg}', 'first'],
    ['${EMPTY?msg}', ''],
  ])('%s -> %j', (template, expected) => {
    expect(sub(template)).toBe(expected);
  });

  it('keeps operator characters inside the operand', () => {
    expect(sub('${NOPE:-/non:-alpha}')).toBe('/non:-alpha');
    expect(sub('${NOPE-my?msg}')).toBe('my?msg');
    expect(sub('${NOPE:-a}b}')).toBe('ab}');
    expect(sub(':-ok ${EMPTY:-x} +ok')).toBe(':-ok x +ok');
  });

  it('interpolates nested expressions in defaults and replacements', () => {
    expect(sub('${NOPE:-${B}}')).toBe('bee');
    expect(sub('${NOPE:-${ALSO:-x}}')).toBe('x');
    expect(sub('${NOPE-$FOO ${FOO}}')).toBe('first first');
    expect(sub('${EMPTY+$FOO ${FOO:+second}}')).toBe('first second');
    expect(sub('${NOPE:-${ALSO:-${B}}} tail ${FOO}')).toBe('bee tail first');
    expect(sub('${NOPE:-$${literal}}')).toBe('${literal}');
    expect(sub('${NOPE:-{"k":1}}')).toBe('{"k":1}');
  });

  it('evaluates an operand only when it is used', () => {
    const warnings: string[] = [];
    expect(interpolateString('${FOO:-${UNSET}}', lookup, (w) => warnings.push(w))).toBe('first');
    expect(warnings).toEqual([]);
    expect(sub('${FOO:-${NOPE:?never raised}}')).toBe('first');
  });

  it('fails on a missing required variable with its message, itself interpolated', () => {
    expect(errorOf(() => sub('x ${NOPE:?Mandatory Variable Unset}')).message).toBe(
      'required variable NOPE is missing a value: Mandatory Variable Unset',
    );
    expect(errorOf(() => sub('${EMPTY:?is empty}')).message).toBe(
      'required variable EMPTY is missing a value: is empty',
    );
    expect(errorOf(() => sub('${NOPE?need ${B}}')).message).toBe('required variable NOPE is missing a value: need bee');
    expect(errorOf(() => sub('${NOPE:?}')).message).toBe('required variable NOPE is missing a value');
    expect(errorOf(() => sub('${NOPE?}'))).toBeInstanceOf(InterpolationError);
  });

  it.each([
    ['${', 1, 'is not closed'],
    ['ab ${FOO', 4, 'is not closed'],
    ['${FOO:-x', 1, 'is not closed'],
    ['${FOO:-x\n}', 1, 'is not closed'],
    ['${}', 1, 'names no variable'],
    ['${1A}', 1, 'must be followed by a variable name'],
    ['${ foo}', 1, 'must be followed by a variable name'],
    ['${foo }', 1, 'must be followed by "}" or one of'],
    ['${foo!}', 1, 'must be followed by "}" or one of'],
    ['ok ${A:-${}}', 9, 'names no variable'],
  ])('rejects %j at character %i', (template, at, reason) => {
    const err = errorOf(() => sub(template));
    expect(err).toBeInstanceOf(InterpolationError);
    expect(err.message).toContain(`invalid interpolation format at character ${at}: `);
    expect(err.message).toContain(reason);
    expect(err.message).toContain('write "$$" for a literal "$"');
  });

  it('does not look at the value of a variable whose expression is malformed', () => {
    const err = errorOf(() => interpolateString('${SECRET:x}', () => 'hunter2'));
    expect(err.message).not.toContain('hunter2');
  });
});

describe('interpolateTree', () => {
  const yaml = [
    'services:',
    '  web:',
    '    image: "nginx:${TAG:-latest}"',
    '    environment:',
    '      $FOO: ${FOO}',
    '      BAD: "${1A}"',
    '    command: [echo, "$$HOME", "${B}"]',
  ].join('\n');

  it('interpolates values, not keys, and leaves other scalars alone', () => {
    const tree = {
      services: { web: { image: 'img:${B}', ports: [8080, '${FOO}'], init: true, '${FOO}': 'k' } },
    };
    const out = interpolateTree(tree, lookup, { locate: () => undefined });
    expect(out).toEqual({ services: { web: { image: 'img:bee', ports: [8080, 'first'], init: true, '${FOO}': 'k' } } });
    expect(tree.services.web.image).toBe('img:${B}');
  });

  it('reports a malformed expression with its path and the position of its node', async () => {
    const parsed = await parseComposeText(yaml, '/p/compose.yaml');
    const err = errorOf(() => interpolateTree(parsed.data, lookup, { locate: (p) => parsed.positions.locate(p) }));
    expect(err).toBeInstanceOf(LoadError);
    const load = err as LoadError;
    expect(load.code).toBe('interpolation');
    expect(load.path).toBe('services.web.environment.BAD');
    expect(load.position).toEqual({ file: '/p/compose.yaml', line: 6, column: 12 });
    expect(load.message).toMatch(
      /^\/p\/compose\.yaml:6:12: services\.web\.environment\.BAD: invalid interpolation format/,
    );
  });

  it('reports a missing required variable inside a list with its index', async () => {
    const parsed = await parseComposeText(
      'services:\n  web:\n    command:\n      - run\n      - ${ARG:?give ARG}\n',
      'c.yaml',
    );
    const err = errorOf(() =>
      interpolateTree(parsed.data, lookup, { locate: (p) => parsed.positions.locate(p) }),
    ) as LoadError;
    expect(err.path).toBe('services.web.command[1]');
    expect(err.position).toEqual({ file: 'c.yaml', line: 5, column: 9 });
    expect(err.detail).toBe('required variable ARG is missing a value: give ARG');
  });

  it('passes warnings through', () => {
    const warnings: string[] = [];
    const out = interpolateTree({ a: '${X}', 'x-raw': { b: '$$1A' } }, lookup, {
      locate: () => undefined,
      onWarning: (w) => warnings.push(w),
    });
    expect(out).toEqual({ a: '', 'x-raw': { b: '$1A' } });
    expect(warnings).toEqual(['The "X" variable is not set. Defaulting to a blank string.']);
  });

  it('interpolates inside !override and keeps !reset', async () => {
    const parsed = await parseComposeText(
      'services:\n  web:\n    image: !override "app:${B}"\n    ports: !reset []\n    labels: !override\n      a: $FOO\n',
      'o.yaml',
    );
    const web = (
      interpolateTree(parsed.data, lookup, { locate: () => undefined }).services as Record<
        string,
        Record<string, unknown>
      >
    ).web;
    expect(web.image).toBeInstanceOf(OverrideTag);
    expect((web.image as OverrideTag).value).toBe('app:bee');
    expect(web.ports).toBeInstanceOf(ResetTag);
    expect((web.labels as OverrideTag).value).toEqual({ a: 'first' });
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const tree = JSON.parse('{"labels": {"__proto__": "$FOO"}}');
    const out = interpolateTree(tree, lookup, { locate: () => undefined });
    expect(Object.keys(out.labels as object)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(out.labels, '__proto__')?.value).toBe('first');
  });
});
