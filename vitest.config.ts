import { defineConfig } from 'vitest/config'
import { isCI } from './test/support/ci.ts'

export default defineConfig({
  // Tests import Serval's source; the CLI they spawn runs the build (npm test builds first).
  // graphql ships CJS (main) and ESM (module); Node and mercurius load the CJS one, so tests must too (one realm).
  resolve: { conditions: ['serval-source'], alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  ssr: { resolve: { conditions: ['serval-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    // A bound, not a timing assertion: the suites that start the CLI twice (restart, crash recovery) took 10–14 s
    // alone on a slow host and overran 20 s under the full parallel run; a hang still fails, within a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    pool: 'forks',
    // Most files wait on sockets, child processes and Redis rather than compute: twice the cores keeps both busy.
    maxWorkers: 4,
    // CI also writes a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: isCI() ? ['default', 'json'] : ['default'],
    outputFile: { json: '.test-results.json' },
  },
})
