import { describe, expect, it } from 'vitest';
import { compile, isAlwaysIgnored, isEphemeral, PatternMatcher } from '../../src/watch/patterns.js';

describe('develop.watch ignore patterns (.dockerignore-like)', () => {
  it('a pattern matches the path itself or any of its parent directories', () => {
    const m = new PatternMatcher(['node_modules', 'build/']);
    expect(m.matches('node_modules')).toBe(true);
    expect(m.matches('node_modules/a/b.js')).toBe(true);
    expect(m.matches('build/out.js')).toBe(true);
    expect(m.matches('src/node_modules/x')).toBe(false);
    expect(m.matches('src/index.js')).toBe(false);
  });

  it('* and ? stay within one path segment, ** crosses segments', () => {
    const m = new PatternMatcher(['*.tmp', 'docs/?.md', '**/*.log']);
    expect(m.matches('a.tmp')).toBe(true);
    expect(m.matches('sub/a.tmp')).toBe(false);
    expect(m.matches('docs/a.md')).toBe(true);
    expect(m.matches('docs/ab.md')).toBe(false);
    expect(m.matches('x.log')).toBe(true);
    expect(m.matches('deep/down/x.log')).toBe(true);
  });

  it('the last matching pattern decides, and ! makes an exception', () => {
    const m = new PatternMatcher(['*.md', '!README.md']);
    expect(m.matches('CHANGES.md')).toBe(true);
    expect(m.matches('README.md')).toBe(false);
    expect(new PatternMatcher(['!README.md', '*.md']).matches('README.md')).toBe(true);
    expect(m.hasExceptions).toBe(true);
  });

  it('leading ./ and / are relative to the rule path, and character classes work', () => {
    const m = new PatternMatcher(['./tmp', '/cache', 'file[0-9].txt', 'x[!a].txt']);
    expect(m.matches('tmp/a')).toBe(true);
    expect(m.matches('cache')).toBe(true);
    expect(m.matches('file7.txt')).toBe(true);
    expect(m.matches('filex.txt')).toBe(false);
    expect(m.matches('xb.txt')).toBe(true);
    expect(m.matches('xa.txt')).toBe(false);
  });

  it('regular expression characters in a pattern are literal', () => {
    expect(compile('a+b(c).txt').test('a+b(c).txt')).toBe(true);
    expect(compile('a+b(c).txt').test('aab(c)xtxt')).toBe(false);
  });

  it('.git is always ignored, and editor swap files are never synced', () => {
    expect(isAlwaysIgnored('.git')).toBe(true);
    expect(isAlwaysIgnored('sub/.git/HEAD')).toBe(true);
    expect(isAlwaysIgnored('.github/workflows')).toBe(false);
    for (const f of ['a/.index.html.swp', 'index.html~', '.#index.html', '#index.html#', '4913', 'x.js___jb_tmp___'])
      expect(isEphemeral(f)).toBe(true);
    expect(isEphemeral('index.html')).toBe(false);
  });

  it('no patterns match nothing', () => {
    const m = new PatternMatcher([]);
    expect(m.empty).toBe(true);
    expect(m.matches('anything')).toBe(false);
  });
});
