// Following container output line by line, stdout and stderr apart.
import { PassThrough } from 'node:stream';
import type { Engine } from './connect.js';

export interface LogOptions {
  follow?: boolean;
  tail?: number | 'all';
  /** Unix seconds or a Docker duration/timestamp string, passed to the engine as is. */
  since?: string | number;
  until?: string | number;
  timestamps?: boolean;
}

export interface LogFollower {
  /** Resolves when the stream ends (the container stopped, or `stop()` was called). */
  done: Promise<void>;
  stop(): void;
}

export async function streamLogs(
  engine: Engine,
  containerId: string,
  options: LogOptions,
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
): Promise<LogFollower> {
  const container = engine.getContainer(containerId);
  const info = await container.inspect();
  const raw = (await container.logs(
    logQuery({ ...options, follow: true, tail: options.tail ?? 'all' }) as never,
  )) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const out = lineSplitter((line) => onLine('stdout', line));
  const err = lineSplitter((line) => onLine('stderr', line));
  if (info.Config.Tty) raw.pipe(out);
  else engine.modem.demuxStream(raw, out, err);
  const done = new Promise<void>((resolve) => {
    raw.on('end', resolve);
    raw.on('close', resolve);
    raw.on('error', () => resolve());
  }).then(() => {
    out.end();
    err.end();
  });
  return { done, stop: () => raw.destroy() };
}

/**
 * The engine's query for `options`, leaving out what is unset: the client would send an unset
 * `since` as `since=`, which Podman refuses ("unable to interpret time value").
 */
export function logQuery(options: LogOptions): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = { stdout: true, stderr: true };
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== '') query[key] = value;
  return query;
}

function lineSplitter(onLine: (line: string) => void): PassThrough {
  const stream = new PassThrough();
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
  return stream;
}
