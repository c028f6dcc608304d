import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { parseDotenv } from '../../src/loader/dotenv.js';

const parse = (text: string, lookup?: (name: string) => string | undefined) => parseDotenv(text, '/p/.env', lookup);

function loadErrorOf(fn: () => unknown): LoadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LoadError);
    return err as LoadError;
  }
  throw new Error('expected an error');
}

describe('parseDotenv: statements', () => {
  it('reads KEY=value, export, blank lines, comments and the yaml-style colon', () => {
    const text = [
      '# a comment',
      '',
      'A=1',
      '   # indented comment',
      'export B=two',
      'export\tC = three  ',
      '  D=4',
      'E: five',
      'dotted.name-x[0]=6',
      'exported=7',
    ].join('\n');
    expect(parse(text)).toEqual({
      A: '1',
      B: 'two',
      C: 'three',
      D: '4',
      E: 'five',
      'dotted.name-x[0]': '6',
      exported: '7',
    });
  });

  it('keeps file order and lets a later line win', () => {
    const vars = parse('Z=1\nA=2\nZ=3\n');
    expect(vars).toEqual({ Z: '3', A: '2' });
    expect(Object.keys(vars)).toEqual(['Z', 'A']);
  });

  it('takes KEY=, KEY="" and KEY=\'\' as empty strings', () => {
    expect(parse('A=\nB=""\nC=\'\'\nD=')).toEqual({ A: '', B: '', C: '', D: '' });
  });

  it('passes a bare KEY through from the lookup only when it is set', () => {
    const lookup = (name: string) => ({ SET: 'from-shell', EMPTY: '' })[name];
    expect(parse('SET\nUNSET\nexport EMPTY\nLAST', lookup)).toEqual({ SET: 'from-shell', EMPTY: '' });
  });

  it('handles CRLF line endings and a byte order mark', () => {
    expect(parse('\uFEFFA=1\r\nB="two"\r\nC=3 # c\r\n')).toEqual({ A: '1', B: 'two', C: '3' });
  });
});

describe('parseDotenv: values', () => {
  it('trims unquoted values and cuts an inline comment only after a space', () => {
    expect(parse('A=  spaced value   \nB=val # comment\nC=val# not a comment\nD=a#b #c')).toEqual({
      A: 'spaced value',
      B: 'val',
      C: 'val# not a comment',
      D: 'a#b',
    });
  });

  it('keeps quoted text exactly, comments after the closing quote', () => {
    expect(parse('A="VAL # not a comment"\nB="VAL" # comment\nC=\'  padded  \'\nD="a=b"')).toEqual({
      A: 'VAL # not a comment',
      B: 'VAL',
      C: '  padded  ',
      D: 'a=b',
    });
  });

  it('takes single-quoted values literally, except an escaped single quote', () => {
    expect(parse("A='$OTHER ${OTHER}'\nB='some\\tvalue'\nC='Let\\'s go!'")).toEqual({
      A: '$OTHER ${OTHER}',
      B: 'some\\tvalue',
      C: "Let's go!",
    });
  });

  it('unescapes double-quoted values', () => {
    const text = String.raw`A="some\tvalue"
B="line1\nline2\r"
C="{\"hello\": \"json\"}"
D="back\\slash"
E="bell\a vt\v ff\f bs\b"
F="octal \0123 \0101"
G="kept \c \q \'"`;
    expect(parse(text)).toEqual({
      A: 'some\tvalue',
      B: 'line1\nline2\r',
      C: '{"hello": "json"}',
      D: 'back\\slash',
      E: 'bell\x07 vt\v ff\f bs\b',
      F: 'octal S A',
      G: String.raw`kept \c \q \'`,
    });
  });

  it('reads multi-line quoted values', () => {
    expect(parse('A="first\nsecond"\nB=\'x\n  y\'\nC=after')).toEqual({ A: 'first\nsecond', B: 'x\n  y', C: 'after' });
  });

  it('does not unescape unquoted values', () => {
    expect(parse('A=a\\nb')).toEqual({ A: 'a\\nb' });
  });
});

describe('parseDotenv: expansion', () => {
  it('expands unquoted and double-quoted values, not single-quoted ones', () => {
    const lookup = (name: string) => ({ HOME: '/home/me' })[name];
    expect(parse('A=$HOME/a\nB="${HOME}/b"\nC=\'$HOME\'', lookup)).toEqual({
      A: '/home/me/a',
      B: '/home/me/b',
      C: '$HOME',
    });
  });

  it('uses earlier keys of the same file before the lookup', () => {
    const lookup = (name: string) => ({ BASE: 'outer', ONLY_OUT: 'o' })[name];
    expect(parse('URL=${BASE}\nBASE=inner\nURL2="http://${BASE}/${ONLY_OUT}"', lookup)).toEqual({
      URL: 'outer',
      BASE: 'inner',
      URL2: 'http://inner/o',
    });
  });

  it('lets overrides win over the file itself', () => {
    const vars = parseDotenv('VERSION=file\nIMAGE=app:${VERSION}', '/p/.env', undefined, {
      overrides: (name) => (name === 'VERSION' ? 'shell' : undefined),
    });
    expect(vars).toEqual({ VERSION: 'file', IMAGE: 'app:shell' });
  });

  it('supports defaults and nesting, and warns about unset variables', () => {
    const warnings: string[] = [];
    const vars = parseDotenv('A=${NOPE:-dflt}\nB=${NOPE:-${A}x}\nC=[$MISSING]', '/p/.env', undefined, {
      onWarning: (w) => warnings.push(w),
    });
    expect(vars).toEqual({ A: 'dflt', B: 'dfltx', C: '[]' });
    expect(warnings).toEqual(['The "MISSING" variable is not set. Defaulting to a blank string.']);
  });

  it('keeps $$ and \\$ as a literal $', () => {
    expect(parse('A=$$HOME\nB="\\$HOME"\nC="$$x"', () => 'no')).toEqual({ A: '$HOME', B: '$HOME', C: '$x' });
  });

  it('reports a missing required variable with the key and the line of the value', () => {
    const err = loadErrorOf(() => parse('A=1\nDB_URL="${DB_HOST:?set DB_HOST}"'));
    expect(err.code).toBe('env-file');
    expect(err.path).toBe('DB_URL');
    expect(err.position).toEqual({ file: '/p/.env', line: 2, column: 8 });
    expect(err.detail).toBe('required variable DB_HOST is missing a value: set DB_HOST');
  });

  it('reports a malformed expression', () => {
    const err = loadErrorOf(() => parse('A=${1X}'));
    expect(err.detail).toContain('invalid interpolation format');
    expect(err.position).toEqual({ file: '/p/.env', line: 1, column: 3 });
  });
});

describe('parseDotenv: errors', () => {
  it('rejects an invalid character in a key, pointing at it', () => {
    const err = loadErrorOf(() => parse('OK=1\nBAD$KEY=s3cret'));
    expect(err.code).toBe('env-file');
    expect(err.position).toEqual({ file: '/p/.env', line: 2, column: 4 });
    expect(err.detail).toContain('unexpected character "$" in a variable name');
    expect(err.message).not.toContain('s3cret');
  });

  it('rejects a key with a space and a missing key', () => {
    expect(loadErrorOf(() => parse('MY KEY=1')).detail).toBe('a variable name cannot contain a space');
    const missing = loadErrorOf(() => parse('\n=value'));
    expect(missing.detail).toBe('a variable name is missing before "="');
    expect(missing.position).toEqual({ file: '/p/.env', line: 2, column: 1 });
  });

  it('rejects an unterminated quote without quoting the value', () => {
    const err = loadErrorOf(() => parse('A=1\nPASSWORD="hunter2\nB=2\n'));
    expect(err.position).toEqual({ file: '/p/.env', line: 2, column: 10 });
    expect(err.path).toBe('PASSWORD');
    expect(err.detail).toBe('unterminated quoted value: the " has no closing "');
    expect(err.message).not.toContain('hunter2');
    expect(loadErrorOf(() => parse("A='open")).detail).toContain("the ' has no closing '");
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const vars = parse('__proto__=x');
    expect(Object.getOwnPropertyDescriptor(vars, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
  });
});
