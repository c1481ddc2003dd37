import { defineConfig } from 'vitest/config'

/**
 * The test set Stryker runs against each mutant (see stryker.config.mjs and
 * docs/testing.md). Suites that spawn the CLI or a server process run the
 * built `dist/` (or a fresh tsx process), so they never see a mutant and
 * only cost time; Redis suites cover the Redis backend, which is not a
 * mutation target. Type tests are off: a mutant is a runtime change.
 */
export default defineConfig({
  resolve: { conditions: ['serval-source'] },
  ssr: { resolve: { conditions: ['serval-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      'test/fixtures/**',
      'src/cli/cli.test.ts',
      'src/version/functions-version.test.ts',
      'test/examples.test.ts',
      'test/jobs-cli.test.ts',
      'test/jobs-crash.test.ts',
      'test/jobs-redis.test.ts',
      'test/security/cli.test.ts',
      'test/settings.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: { enabled: false },
  },
})
