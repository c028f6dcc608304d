// The Podman run of the integration tests (`npm run test:podman`, BERTH_TEST_ENGINE=podman): the
// same test files against Podman's Docker-compatible API (test/bed/podman.sh). This is the one
// place that says which files run there and which tests cannot apply to Podman, and why.

/** Podman's API socket in the test bed (test/bed/podman.sh). */
export const PODMAN_HOST = `unix://${process.env.BERTH_PODMAN_SOCKET ?? '/run/berth-podman/podman.sock'}`;

/** Whether this run is the Podman one. */
export const onPodman = process.env.BERTH_TEST_ENGINE === 'podman';

/** The files the Podman run takes: what issue 22 names, kept small enough to run in a few minutes. */
export const PODMAN_SUBSET = [
  'test/e2e/podman.test.ts', // up -d --wait, ps, logs, a second up, down: the "done when"
  'test/e2e/lifecycle.test.ts', // up/down, recreate, named volumes
  'test/e2e/dependencies.test.ts', // every depends_on condition
  'test/e2e/wait.test.ts', // --wait
  'test/e2e/logs.test.ts', // logs
  'test/e2e/attached.test.ts', // attached up: output and exit lines
  'test/e2e/exec.test.ts', // exec
  'test/e2e/run.test.ts', // run
  'test/e2e/networks-ports.test.ts', // networks, aliases, ports
  'test/e2e/example-web-postgres.test.ts', // secrets, volumes, the web-postgres example
  'test/e2e/example-ml-pipeline.test.ts', // the ML pipeline on the CPU
];

export interface Exclusion {
  file: string;
  /** One test of the file (its full name, as vitest prints it); the whole file when absent. */
  test?: string;
  reason: string;
}

/** Tests that cannot apply to Podman. */
export const PODMAN_EXCLUSIONS: Exclusion[] = [
  { file: 'test/e2e/swarm.test.ts', reason: 'Podman has no Swarm mode (/services, /tasks, /nodes answer 404)' },
  { file: 'test/e2e/swarm-nodes.test.ts', reason: 'Podman has no Swarm mode' },
  {
    file: 'test/e2e/gpu.test.ts',
    reason:
      "it checks dockerd's NVIDIA device requests (the stand-in hook, its driver errors); Podman takes GPUs as CDI devices instead, and test/e2e/podman.test.ts checks the GPU path on either engine",
  },
  {
    file: 'test/e2e/example-ml-pipeline.test.ts',
    test: 'up --wait runs ingest, then train with its GPU request',
    reason:
      "Podman 4.3's Docker-compatible API takes no CDI devices (5.4 and later do), so berth refuses the GPU request before creating anything; test/e2e/podman.test.ts checks that refusal",
  },
  {
    file: 'test/e2e/example-ml-pipeline.test.ts',
    test: 'a second up keeps the completed steps',
    reason: 'runs the example with its GPU request (see above)',
  },
  {
    file: 'test/e2e/logs.test.ts',
    test: '--tail, --index, --no-log-prefix and -t select and shape the lines',
    reason: 'Podman 4.3 stamps log lines to the whole second; the check wants the fraction Docker gives',
  },
  {
    file: 'test/e2e/engine-restart.test.ts',
    reason: 'it restarts dockerd; the Podman service is not an engine to restart',
  },
  { file: 'test/e2e/contexts.test.ts', reason: "Docker contexts name dockerd's endpoints" },
];

/** A name pattern that leaves out the excluded single tests (vitest's testNamePattern). */
export function podmanTestNamePattern(): RegExp {
  const names = PODMAN_EXCLUSIONS.flatMap((e) => (e.test ? [e.test.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')] : []));
  return new RegExp(`^(?!.*(?:${names.join('|')}))`);
}
