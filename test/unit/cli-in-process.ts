// Runs the berth CLI in this process, as a user's command line would, and collects its output.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export async function runBerth(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, stdout, stderr);
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}
