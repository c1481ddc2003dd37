// Mutation testing (docs/testing.md). `npm run mutate` runs every target
// folder incrementally; `MUTATE=core,schema npm run mutate` only those.
// Not part of .ci/run: a full run takes far longer than the CI budget.
// The core folders first, then the capabilities that landed after them (issue 17: each joins the run when it lands).
const all = ['core', 'schema', 'http', 'errors', 'auth', 'jobs/embedded', 'streams', 'schedules', 'cache', 'results', 'assets', 'channels', 'ws', 'graphql', 'web', 'ops', 'metrics', 'tracing', 'mounts', 'resources', 'lambda', 'client']
const targets = process.env.MUTATE ? process.env.MUTATE.split(',').map((t) => t.trim().replace(/^src\//, '').replace(/\/$/, '')) : all
// One cache and report per target set: Stryker rewrites its incremental file with only the run's own
// mutants, so a shared file would lose one folder's results to the next folder's run.
const label = process.env.MUTATE ? targets.join('+').replaceAll('/', '-') : 'all'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    ...targets.map((t) => `src/${t}/**/*.ts`),
    '!src/**/*.test.ts',
    '!src/**/*.test-d.ts',
    '!src/**/index.ts',
  ],
  // The machine has two cores; one runner each.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would rerun every test per mutant.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/${label}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${label}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${label}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 5_000,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'bench', 'coverage', '.serval', 'reports', '.stryker-tmp*'],
  cleanTempDir: 'always',
}
