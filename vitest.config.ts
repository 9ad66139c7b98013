import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every request to and answer from an emulator in the suite is checked against Konnect's specs.
    setupFiles: ['test/contract/setup.ts'],
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    testTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one, on the two-core CI machines. Most files
    // wait on child processes and emulators, so one per core keeps both busy.
    maxWorkers: 2,
  },
});
