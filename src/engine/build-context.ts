// The build context as the docker CLI sends it to the classic builder: a tar of the context
// directory filtered by .dockerignore, with the Dockerfile and .dockerignore always included
// (the engine reads them, then drops them itself when they are ignored). The ignore rules are a
// port of moby/patternmatcher and the walk a port of moby's archive.TarWithOptions, quirks
// included, so a context holds exactly the files `docker build` would send.
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import { BerthError } from '../errors.js';
import { readRegularFile } from '../loader/read-file.js';

export interface BuildContext {
  tar: NodeJS.ReadableStream;
  /** The Dockerfile's path inside the tar: the `dockerfile` build option. */
  dockerfile: string;
}

/**
 * A tar stream of `contextDir` for the Engine's `/build`. `dockerfile` is relative to the
 * context or absolute; a Dockerfile outside the context, or `dockerfileInline`, is added to the
 * tar under a generated name, as the docker CLI does for `-f` outside the context or stdin.
 */
export async function contextTar(
  contextDir: string,
  dockerfile: string,
  dockerfileInline?: string,
): Promise<BuildContext> {
  const root = await contextRoot(contextDir);
  const source: DockerfileSource =
    dockerfileInline !== undefined
      ? { kind: 'generated', content: Buffer.from(dockerfileInline) }
      : await locateDockerfile(contextDir, root, dockerfile);
  const rootIgnore = readIgnoreFile(join(root, '.dockerignore'));
  // BuildKit's Dockerfile-specific ignore file (`<Dockerfile>.dockerignore`) replaces the
  // context's one; honouring it keeps a context the same as under `docker compose build`.
  const ignoreText = (source.ignoreFile ? readIgnoreFile(source.ignoreFile) : undefined) ?? rootIgnore;
  const patterns = keepBuildFiles(
    parseIgnoreFile(ignoreText?.toString('utf8') ?? ''),
    source.kind === 'context' ? source.path : undefined,
  );
  const entries = await collect(root, new IgnoreMatcher(patterns));

  if (source.kind === 'context') return { tar: packContext(entries, new Map()), dockerfile: source.path };
  // Named by content, not at random like the CLI does, so that rebuilding the same Dockerfile
  // leaves the context (and so the builder's cache) unchanged.
  const name = `.dockerfile.${createHash('sha256').update(source.content).digest('hex').slice(0, 20)}`;
  // Listing the generated file in .dockerignore makes the engine drop it after reading it, so a
  // `COPY . .` never copies it into the image.
  const dockerignore = Buffer.concat([rootIgnore ?? Buffer.from('.dockerignore'), Buffer.from(`\n${name}\n`)]);
  const generated = new Map([
    ['.dockerignore', dockerignore],
    [name, source.content],
  ]);
  return { tar: packContext(entries, generated), dockerfile: name };
}

/**
 * The context as BuildKit's file sync reads it: the entries of the directory that `excludes`
 * (the .dockerignore patterns BuildKit's frontend sends back) leave, in walk order.
 */
export async function contextEntries(contextDir: string, excludes: string[]): Promise<ContextEntry[]> {
  return collect(await contextRoot(contextDir), new IgnoreMatcher(excludes));
}

/** The Dockerfile's content and its own ignore file's, wherever the Dockerfile is, or inline. */
export async function dockerfileFiles(
  contextDir: string,
  dockerfile: string,
  dockerfileInline?: string,
): Promise<{ dockerfile: Buffer; ignore?: Buffer }> {
  if (dockerfileInline !== undefined) return { dockerfile: Buffer.from(dockerfileInline) };
  const root = await contextRoot(contextDir);
  const source = await locateDockerfile(contextDir, root, dockerfile);
  const content =
    source.kind === 'generated'
      ? source.content
      : readRegularFile(join(root, source.path), { what: 'Dockerfile', code: 'build' });
  return { dockerfile: content, ignore: source.ignoreFile ? readIgnoreFile(source.ignoreFile) : undefined };
}

async function contextRoot(contextDir: string): Promise<string> {
  try {
    const root = await realpath(contextDir);
    if ((await stat(root)).isDirectory()) return root;
  } catch {
    // reported below
  }
  throw new BerthError('build', `unable to prepare context: path "${contextDir}" is not a directory`);
}

type DockerfileSource =
  | { kind: 'context'; /** Slash-separated path inside the context. */ path: string; ignoreFile: string }
  | { kind: 'generated'; content: Buffer; ignoreFile?: string };

async function locateDockerfile(contextDir: string, root: string, dockerfile: string): Promise<DockerfileSource> {
  const given = isAbsolute(dockerfile) ? dockerfile : join(contextDir, dockerfile);
  // The CLI follows symlinks, so a linked Dockerfile is sent as its target.
  const real = await realpath(given).catch(() => undefined);
  if (!real || !(await stat(real)).isFile()) throw new BerthError('build', `cannot locate the Dockerfile ${given}`);
  const ignoreFile = `${given}.dockerignore`;
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel))
    return { kind: 'generated', content: readRegularFile(real, { what: 'Dockerfile', code: 'build' }), ignoreFile };
  return { kind: 'context', path: rel, ignoreFile };
}

function readIgnoreFile(file: string): Buffer | undefined {
  return readRegularFile(file, { what: 'ignore file', code: 'build', ifExists: true });
}

/** The patterns of a .dockerignore file, normalized as moby's ignorefile.ReadAll does. */
function parseIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    // A comment is only a comment when `#` is the very first character.
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      // Patterns are relative to the context even when written as absolute paths.
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** The CLI's TrimBuildFilesFromExcludes: ignored or not, .dockerignore and the Dockerfile are sent. */
function keepBuildFiles(patterns: string[], dockerfile: string | undefined): string[] {
  const matcher = new IgnoreMatcher(patterns);
  const kept = [...patterns];
  if (matcher.match('.dockerignore').excluded) kept.push('!.dockerignore');
  if (dockerfile !== undefined && matcher.match(dockerfile).excluded) kept.push(`!${dockerfile}`);
  return kept;
}

/** Go's filepath.Clean for slash-separated paths. */
function goClean(path: string): string {
  const cleaned = posix.normalize(path);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

interface Pattern {
  /** The pattern without its `!`. */
  text: string;
  exclusion: boolean;
  test: (path: string) => boolean;
}

/** Per pattern, whether it matched a directory: what moby's MatchInfo carries down a walk. */
type MatchInfo = boolean[];

/** moby/patternmatcher's PatternMatcher. */
class IgnoreMatcher {
  private readonly patterns: Pattern[];
  private readonly hasExclusions: boolean;

  constructor(patterns: string[]) {
    this.patterns = patterns
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((raw) => {
        const cleaned = goClean(raw);
        const exclusion = cleaned.startsWith('!');
        if (exclusion && cleaned.length === 1)
          throw new BerthError('build', '.dockerignore: illegal exclusion pattern: "!"');
        const text = exclusion ? cleaned.slice(1) : cleaned;
        return { text, exclusion, test: compilePattern(text) };
      });
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  /**
   * MatchesUsingParentResults: whether `path` is excluded, given what its directory matched.
   * Without a parent's results, every ancestor directory is tried against each pattern.
   */
  match(path: string, parent?: MatchInfo): { excluded: boolean; info: MatchInfo } {
    let excluded = false;
    const info: MatchInfo = this.patterns.map(() => false);
    this.patterns.forEach((pattern, i) => {
      let matched = parent?.[i] ?? false;
      if (!matched) {
        // An inclusion cannot change an already excluded path, nor an exception an included one.
        if (pattern.exclusion !== excluded) return;
        matched = pattern.test(path);
        if (!matched && !parent) {
          const dirs = posix.dirname(path).split('/');
          for (let n = 1; !matched && dirs[0] !== '.' && n <= dirs.length; n++)
            matched = pattern.test(dirs.slice(0, n).join('/'));
        }
      }
      info[i] = matched;
      if (matched) excluded = !pattern.exclusion;
    });
    return { excluded, info };
  }

  /**
   * Whether an excluded directory must still be walked: moby only looks for an exception whose
   * text starts with the directory's path, so `!**\/keep` does not reopen an excluded `dir`.
   */
  reopens(dir: string): boolean {
    return this.hasExclusions && this.patterns.some((p) => p.exclusion && `${p.text}/`.startsWith(`${dir}/`));
  }
}

/** Pattern.compile/match: a regexp, or the exact/prefix/suffix shortcuts moby takes (which differ from the regexp for `**x`). */
function compilePattern(pattern: string): (path: string) => boolean {
  const chars = Array.from(pattern);
  let source = '^';
  let kind: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  for (let pos = 0, i = 0; pos < chars.length; i++) {
    const ch = chars[pos++];
    if (ch === '*' && chars[pos] === '*') {
      pos++;
      if (chars[pos] === '/') pos++;
      if (pos === chars.length) {
        if (kind === 'exact') kind = 'prefix';
        else {
          source += '.*';
          kind = 'regexp';
        }
      } else {
        source += '(.*/)?';
        kind = 'regexp';
      }
      if (i === 0) kind = 'suffix';
    } else if (ch === '*') {
      source += '[^/]*';
      kind = 'regexp';
    } else if (ch === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if ('.+()|{}$'.includes(ch)) {
      source += `\\${ch}`;
    } else if (ch === '\\') {
      if (pos < chars.length) {
        source += `\\${chars[pos++]}`;
        kind = 'regexp';
      } else {
        source += '\\';
      }
    } else {
      if (ch === '[' || ch === ']') kind = 'regexp';
      source += ch;
    }
  }
  switch (kind) {
    case 'exact':
      return (path) => path === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
    }
    case 'regexp': {
      let regexp: RegExp;
      try {
        regexp = new RegExp(`${source}$`);
      } catch {
        throw new BerthError('build', `.dockerignore: syntax error in pattern "${pattern}"`);
      }
      return (path) => regexp.test(path);
    }
  }
}

type Header = Parameters<Pack['entry']>[0];

export interface ContextEntry {
  /** Slash-separated path inside the context. */
  path: string;
  abs: string;
  stats: Stats;
}

/** The walk of TarWithOptions: lexical order; an excluded directory is skipped whole unless an exception may reopen it, and then only its entry is left out. */
async function collect(root: string, matcher: IgnoreMatcher): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = [];
  const walk = async (dir: string, parent: MatchInfo | undefined): Promise<void> => {
    const children = (await readdir(join(root, dir), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const child of children) {
      const path = dir ? `${dir}/${child.name}` : child.name;
      const abs = join(root, path);
      const { excluded, info } = matcher.match(path, parent);
      if (excluded) {
        if (child.isDirectory() && matcher.reopens(path)) await walk(path, info);
        continue;
      }
      const stats = await lstat(abs);
      entries.push({ path, abs, stats });
      if (stats.isDirectory()) await walk(path, info);
    }
  };
  await walk('', undefined);
  return entries;
}

/** Streams the entries into a tar, as root-owned like the CLI's; `generated` replaces or adds files by path. */
function packContext(entries: ContextEntry[], generated: Map<string, Buffer>): NodeJS.ReadableStream {
  const pack = tarPack();
  const write = async () => {
    for (const { path, abs, stats } of entries) {
      const header: Header = { name: path, mode: stats.mode & 0o7777, mtime: stats.mtime, uid: 0, gid: 0 };
      const replacement = generated.get(path);
      if (replacement) {
        await addBuffer(pack, { ...header, type: 'file' }, replacement);
        generated.delete(path);
      } else if (stats.isFile()) {
        await pipeline(createReadStream(abs), pack.entry({ ...header, type: 'file', size: stats.size }));
      } else if (stats.isDirectory()) {
        await addBuffer(pack, { ...header, type: 'directory' });
      } else if (stats.isSymbolicLink()) {
        await addBuffer(pack, { ...header, type: 'symlink', linkname: await readlink(abs) });
      }
      // Sockets, FIFOs and devices are left out: nothing a Dockerfile can COPY from them.
    }
    for (const [name, content] of generated)
      await addBuffer(pack, { name, mode: 0o600, mtime: new Date(), uid: 0, gid: 0, type: 'file' }, content);
    pack.finalize();
  };
  write().catch((err: Error) => pack.destroy(err));
  // tar-stream's pack is a streamx stream; the engine client wants a Node one.
  return Readable.from(pack, { objectMode: false });
}

function addBuffer(pack: Pack, header: Header, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (content) pack.entry({ ...header, size: content.length }, content, done);
    else pack.entry(header, done);
  });
}
