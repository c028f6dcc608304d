// Every file berth reads from a user's project goes through here. It must be a regular file: a
// FIFO would block until someone writes to it and a device such as /dev/zero never ends. And it
// must fit under one size limit, checked while reading, since a file can grow after its size is
// taken.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { LoadError, type ErrorCode, type SourcePosition } from '../errors.js';

/**
 * 16 MiB per file. Compose and env files written by people are far below 1 MiB, so this leaves
 * room for generated ones, while a file never meant to be read whole (a log, a disk image, a
 * mistyped path) is refused after 16 MiB instead of filling memory.
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
const LIMIT_TEXT = '16 MiB';

/** How a compose file names standard input (`-f -`), as Docker Compose does. */
export const STDIN = '-';

export interface ReadFileOptions {
  /** What the file is, for messages: "compose file", "env file". */
  what: string;
  /** The code of the error thrown when the file cannot be read. */
  code: ErrorCode;
  /** Where the file was named (an `env_file` entry), with its path; default: the file itself. */
  position?: SourcePosition;
  path?: string;
  /** A missing file reads as `undefined` instead of failing (anything else still fails). */
  ifExists?: boolean;
}

// Opening a FIFO for reading blocks until a writer comes; non-blocking, the open returns at
// once and the type check below refuses it. Regular files ignore the flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

export function readRegularFile(file: string, options: ReadFileOptions & { ifExists?: false }): Buffer;
export function readRegularFile(file: string, options: ReadFileOptions): Buffer | undefined;
export function readRegularFile(file: string, options: ReadFileOptions): Buffer | undefined {
  const fail = (reason: string): never => {
    throw new LoadError(options.code, `cannot read ${options.what} ${file}: ${reason}`, {
      position: options.position ?? { file },
      path: options.path,
    });
  };
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.ifExists) return undefined;
    return fail(ERRNO_REASONS[code ?? ''] ?? code ?? 'read error');
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile())
      return fail(stats.isDirectory() ? 'it is a directory' : `it is not a regular file (it is ${kindOf(stats)})`);
    if (stats.size > MAX_FILE_BYTES) return fail(tooLarge());
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) fail(tooLarge());
      chunks.push(n === CHUNK ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof LoadError) throw err;
    return fail((err as NodeJS.ErrnoException).code ?? 'read error');
  } finally {
    closeSync(fd);
  }
}

/** As `readRegularFile`, decoded as UTF-8 (invalid bytes become U+FFFD, as env files are read). */
export function readTextFile(file: string, options: ReadFileOptions & { ifExists?: false }): string;
export function readTextFile(file: string, options: ReadFileOptions): string | undefined;
export function readTextFile(file: string, options: ReadFileOptions): string | undefined {
  return readRegularFile(file, options)?.toString('utf8');
}

/** Standard input, read whole when the user names it as a file (`-f -`), with the same limit. */
export async function readStdin(options: Omit<ReadFileOptions, 'ifExists'>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_FILE_BYTES) {
      throw new LoadError(options.code, `cannot read ${options.what} from standard input: ${tooLarge()}`, {
        position: options.position ?? { file: STDIN },
        path: options.path,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(): string {
  return `it is larger than ${LIMIT_TEXT}, the most berth reads from one file`;
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  EISDIR: 'it is a directory',
};

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'something other than a file';
}
