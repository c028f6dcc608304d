import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
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
          globalSetup: ['test/setup/compile-schema.ts', 'test/setup/test-bed.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Two cores: scenarios run two files at a time against one engine.
          maxWorkers: 2,
          // Unit tests first: a broken loader shows before slow engine scenarios run.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
