// The built CLI as a child process the test talks to: stdin to write, output read as it
// arrives, signals to send. (The harness's `cli` runs a command to completion.)
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cliEnv, cliPath, type TestProject } from './harness.js';

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (a signal death counts as 128 + its number). */
  exited: Promise<number>;
}

export function spawnCli(
  project: TestProject,
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): CliProcess {
  const child = spawn(cliPath, args, { cwd: project.dir, env: cliEnv({ ...project.env, ...env }) });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 128))),
  );
  if (input !== undefined) child.stdin.end(input);
  // A bounded life: a hung command fails its test instead of the whole run.
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  void exited.then(() => clearTimeout(timer));
  return { child, stdout: () => out, stderr: () => err, exited };
}
