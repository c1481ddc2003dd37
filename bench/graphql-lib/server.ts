// The server of bench/graphql.ts, in its own process: `add` (the REST workload 1
// action, also the GraphQL field `add`), `numberRange` with a batched field
// `square`, and `batchCalls` (how many times `square` ran, for the check that
// 50 parents cost one call). Prints `PORT <n>` once it listens.
// Serval as users run it: the build (dist/, run `npm run build` first), not the sources through tsx,
// whose transform wraps every closure in a naming helper (GraphQL's request context makes some per
// request). Started without the serval-source condition, so `serval` in ../actions/add.ts is dist/ too.
import { Type } from '@sinclair/typebox'
import { ROOT } from '../lib/procs.ts'

const dist = <T>(path: string) => import(`${ROOT}/dist/${path}`) as Promise<T>
const { action, createApp, listen, loadSettings } = await dist<typeof import('../../src/index.ts')>('index.js')
const { defaultExtensions } = await dist<typeof import('../../src/app/extensions.ts')>('app/extensions.js')
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
