// The server of bench/graphql.ts, in its own process: `add` (the REST workload 1
// action, also the GraphQL field `add`), `numberRange` with a batched field
// `square`, and `batchCalls` (how many times `square` ran, for the check that
// 50 parents cost one call). Prints `PORT <n>` once it listens.
import { Type } from '@sinclair/typebox'

const { action, createApp, listen, loadSettings } = await import('../../src/index.ts')
const { defaultExtensions } = await import('../../src/app/extensions.ts')
const { add } = await import('../actions/add.ts')

const item = Type.Object({ value: Type.Integer() })
const batches = { calls: 0, parents: 0 }

const numberRange = action(
  {
    http: 'GET',
    input: Type.Object({ to: Type.Integer({ minimum: 1, maximum: 100 }) }),
    output: Type.Array(item),
    fields: (field) => ({
      square: field({ output: Type.Integer(), batch: true }, (_args, { parents }) => {
        batches.calls++
        batches.parents += parents.length
        return parents.map((p) => p.value * p.value)
      }),
    }),
  },
  ({ to }) => Array.from({ length: to }, (_, i) => ({ value: i + 1 })),
)

const batchCalls = action({ http: 'GET', output: Type.Object({ calls: Type.Integer(), parents: Type.Integer() }) }, () => ({ ...batches }))

const { settings } = await loadSettings({
  cli: { port: 0, log_level: 'silent', workers: 0, max_connections: 0, data_dir: `/tmp/serval-bench-graphql-${process.pid}` },
  filesOff: true,
  env: {},
})
const app = await createApp({
  actions: [
    { action: add, exportName: 'add' },
    { action: numberRange, exportName: 'numberRange' },
    { action: batchCalls, exportName: 'batchCalls' },
  ],
  settings,
  extensions: await defaultExtensions(settings),
})
console.log(`PORT ${new URL((await listen(app)).url).port}`)
