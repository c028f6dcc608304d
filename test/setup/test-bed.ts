// Vitest global setup of the integration tests: a running engine is all a developer needs. It
// fails at once, in one line, when no engine answers, and otherwise prepares what the scenarios
// use (the local images and Swarm mode), each step skipping what is already there. The Podman
// run (BERTH_TEST_ENGINE=podman) prepares Podman beside dockerd instead of Swarm mode.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectEngine } from '../../src/engine/connect.js';
import { onPodman, PODMAN_HOST } from '../e2e/podman-exclusions.js';

const bed = (script: string) => fileURLToPath(new URL(`../bed/${script}`, import.meta.url));

export default async function setup(): Promise<void> {
  try {
    await connectEngine();
  } catch (err) {
    const failure = new Error(`integration tests need a running Docker Engine: ${(err as Error).message}`);
    failure.stack = failure.message;
    throw failure;
  }
  for (const script of ['images.sh', onPodman ? 'podman.sh' : 'swarm.sh'])
    execFileSync('bash', [bed(script)], { stdio: 'inherit' });
  if (onPodman) await connectEngine({ ...process.env, DOCKER_HOST: PODMAN_HOST });
}
