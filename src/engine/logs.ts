// Container output as the Engine API sends it: without a TTY, stdout and stderr arrive
// multiplexed in frames of an 8-byte header (stream id, 3 zero bytes, big-endian length).
import type { Engine } from './connect.js';

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Splits a complete multiplexed buffer into its frames. */
export function demultiplex(buffer: Buffer): LogChunk[] {
  const chunks: LogChunk[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    chunks.push({ stream: type === 2 ? 'stderr' : 'stdout', data });
    offset += 8 + length;
  }
  return chunks;
}

/** The last `n` lines a container printed, stdout and stderr together. */
export async function lastLogLines(engine: Engine, containerId: string, n: number): Promise<string[]> {
  const lines = await logLines(engine, containerId, n);
  // Podman 4.3 counts a line it stored in parts as its last part, so a `tail` can come back as a
  // bare newline: then the whole output, which is short when that happens.
  return (lines.length ? lines : await logLines(engine, containerId)).slice(-n);
}

/** The non-empty lines of the container's output (its last `tail` entries, or all of it). */
async function logLines(engine: Engine, containerId: string, tail?: number): Promise<string[]> {
  const container = engine.getContainer(containerId);
  const [info, raw] = await Promise.all([
    container.inspect(),
    container.logs({
      stdout: true,
      stderr: true,
      follow: false,
      ...(tail === undefined ? {} : { tail }),
    }) as Promise<Buffer>,
  ]);
  const text = info.Config.Tty
    ? raw.toString('utf8')
    : demultiplex(raw)
        .map((c) => c.data.toString('utf8'))
        .join('');
  return text.split('\n').filter((l) => l.length > 0);
}
