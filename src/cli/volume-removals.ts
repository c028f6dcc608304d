// `down -v`: the volumes about to go, with the services that used them, and on a terminal a
// question before their data is deleted.
import { createInterface } from 'node:readline/promises';
import type { VolumeRemoval } from '../api/down.js';

/**
 * ```
 * Volumes to remove, with their data:
 *   proj_data  (named; used by db)
 *   4f3a…      (anonymous; used by web)
 * ```
 */
export function volumeList(volumes: VolumeRemoval[]): string {
  if (!volumes.length) return '';
  const width = Math.max(...volumes.map((v) => v.name.length));
  const rows = volumes.map(
    (v) =>
      `  ${v.name.padEnd(width)}  (${v.anonymous ? 'anonymous' : 'named'}; used by ${v.services.join(', ') || 'no service'})`,
  );
  return `Volumes to remove, with their data:\n${rows.join('\n')}\n`;
}

/** Asks on the terminal; only "y" or "yes" agrees. */
export async function confirmRemoval(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({ input, output });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question('Remove these volumes and the data in them? [y/N] '));
  } finally {
    rl.close();
  }
}
