import { defineConfig } from 'vitest/config';
import {
  onPodman,
  PODMAN_EXCLUSIONS,
  PODMAN_HOST,
  PODMAN_SUBSET,
  podmanTestNamePattern,
} from './test/e2e/podman-exclusions.js';

const e2e = {
  globalSetup: ['test/setup/compile-schema.ts', 'test/setup/test-bed.ts'],
  testTimeout: 180_000,
  hookTimeout: 180_000,
  // Two cores: scenarios run two files at a time against one engine.
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    // BERTH_TEST_ENGINE=podman (npm run test:podman): the Podman subset of the integration tests,
    // everything pointed at Podman's socket; test/e2e/podman-exclusions.ts says what and why.
    ...(onPodman ? { testNamePattern: podmanTestNamePattern() } : {}),
    projects: onPodman
      ? [
          {
            test: {
              name: 'e2e-podman',
              include: PODMAN_SUBSET,
              exclude: PODMAN_EXCLUSIONS.filter((e) => !e.test).map((e) => e.file),
              env: { DOCKER_HOST: PODMAN_HOST },
              ...e2e,
            },
          },
        ]
      : [
          {
            test: {
              name: 'unit',
              include: ['test/unit/**/*.test.ts'],
              globalSetup: ['test/setup/compile-schema.ts'],
              sequence: { groupOrder: 0 },
            },
          },
          {
            test: {
              name: 'e2e',
              include: ['test/e2e/**/*.test.ts'],
              ...e2e,
              // Unit tests first: a broken loader shows before slow engine scenarios run.
              sequence: { groupOrder: 1 },
            },
          },
        ],
  },
});
