// Runs the built CLI from a folder of the test's choosing (the harness runs it in the project's).
import { execFile } from 'node:child_process';
import { cliEnv, cliPath, type TestProject } from './harness.js';

export function cliIn(
  project: TestProject,
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cliPath,
      args,
      { cwd, env: cliEnv({ ...project.env, ...env }), timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
