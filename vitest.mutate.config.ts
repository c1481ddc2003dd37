import { defineConfig } from 'vitest/config'

/**
 * The test set Stryker runs against each mutant (see stryker.config.mjs and
 * docs/testing.md). Suites that spawn the CLI or a server process run the
 * built `dist/` (or a fresh tsx process), so they never see a mutant and
 * only cost time. `MUTATE=core,http` (the folders being mutated) narrows the
 * set to the suites that exercise them: on two cores, every suite that
 * cannot kill a mutant makes each mutant slower. Type tests are off: a
 * mutant is a runtime change.
 */
const CORE = ['src/core/**', 'src/schema/**', 'src/errors/**', 'src/streams/**', 'src/http/**', 'src/testing/**', 'src/app/**', 'test/properties/**']
// test/ops: actions switched off at runtime (src/core/switch.ts) are only exercised there.
const TOP = ['test/ops/**', 'test/cache/**', 'test/uploads.test.ts', 'test/streams.test.ts', 'test/streams-edges.test.ts', 'test/shutdown.test.ts', 'test/delete-input.test.ts', 'test/security/hostile-input.test.ts', 'test/security/tls.test.ts']
const SUITES: Record<string, string[]> = {
  core: [...CORE, ...TOP],
  // The schema's own unit tests and the suites that send bodies, queries and files through it. Every other
  // suite also compiles schemas, so with them each schema mutant reran most of the test set (a run of about 4 h
  // at one runner); fewer suites can only kill fewer mutants, so the score measured with these is a floor.
  schema: ['src/schema/**', 'test/properties/**', 'test/uploads.test.ts', 'src/http/actions.test.ts', 'src/http/json-body.test.ts'],
  errors: [...CORE, ...TOP],
  streams: [...CORE, ...TOP],
  http: [...CORE, ...TOP, 'test/security/**', 'test/settings-behaviour.test.ts'],
  auth: ['src/auth/**', 'test/security/**', 'test/jobs-auth.test.ts', 'test/jobs-owner.test.ts', 'test/results.test.ts', 'src/http/docs-auth.test.ts', 'test/settings-behaviour.test.ts'],
  'jobs/embedded': ['src/jobs/**', 'test/jobs-http.test.ts', 'test/jobs-embedded.test.ts', 'test/jobs-owner.test.ts', 'test/jobs-auth.test.ts', 'test/properties/journal.test.ts'],
  schedules: ['src/schedules/**', 'test/schedules.test.ts', 'test/schedules-embedded.test.ts', 'test/schedules-redis.test.ts', 'test/properties/schedule.test.ts'],
  // The capabilities that landed after the core: each with the suites that exercise it.
  cache: ['test/cache/**', 'test/results.test.ts', 'test/ops/admin.test.ts'],
  results: ['test/results.test.ts', 'test/results-redis.test.ts', 'test/public-base-url.test.ts', 'test/binary-outputs.test.ts'],
  assets: ['test/assets.test.ts', 'test/assets-redis.test.ts', 'test/assets-retention.test.ts', 'test/binary-outputs.test.ts', 'test/public-base-url.test.ts'],
  channels: ['test/channels/**'],
  ws: ['src/ws/**', 'test/channels/**', 'test/graphql/subscriptions.test.ts', 'test/graphql/subscription-limits.test.ts'],
  graphql: ['test/graphql/**'],
  web: ['test/web/**', 'test/hosting/mount-sessions.test.ts'],
  ops: ['src/ops/**', 'test/ops/**', 'test/hosting/**'],
  metrics: ['src/metrics/**', 'test/ops/**'],
  tracing: ['src/tracing/**', 'test/tracing-otlp.test.ts', 'test/tracing-redis.test.ts'],
  mounts: ['test/hosting/**'],
  resources: ['src/resources/**', 'test/resources-pg.test.ts'],
  lambda: ['src/lambda/**'],
  client: ['src/client/**', 'test/client-codegen.test.ts'],
}
const targets = process.env.MUTATE?.split(',').map((t) => t.trim().replace(/^src\//, '').replace(/\/$/, ''))
// MUTATE_TESTS=glob,glob (a batch run on chosen files, `--mutate`): only these suites, in place of the folders' sets.
// Fewer suites can only kill fewer mutants: a score measured so is a floor.
const only = process.env.MUTATE_TESTS?.split(',').map((g) => g.trim())
const sets = targets ? [...new Set(targets.flatMap((t) => SUITES[t] ?? ['src/**', 'test/**']))] : undefined
const include = (only ?? sets)?.map((g) => (g.endsWith('.ts') ? g : `${g}/*.test.ts`)) ?? ['src/**/*.test.ts', 'test/**/*.test.ts']

export default defineConfig({
  // As in vitest.config.ts: Node and mercurius load graphql's CJS build, so tests must too (one realm).
  resolve: { conditions: ['serval-source'], alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  ssr: { resolve: { conditions: ['serval-source'] } },
  test: {
    include,
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
      // Spawns the CLI twice in one test: under Stryker's load it overran the 5 s testTimeout in the initial run, which aborts the whole run.
      'test/security/hash-password.test.ts',
      'test/settings.test.ts',
      'test/graphql/cli.test.ts',
      'test/hosting/dev-cli.test.ts',
    ],
    // Below Stryker's own timeout (timeoutMS 5 s plus the tests' time): a test that a mutant makes hang
    // fails here (the mutant counts as killed, as a Stryker timeout would count as detected) instead
    // of Stryker restarting the whole test runner, which costs more than the test.
    testTimeout: 5_000,
    hookTimeout: 30_000,
    typecheck: { enabled: false },
  },
})
