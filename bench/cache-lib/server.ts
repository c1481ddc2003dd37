// The server of bench/cache.ts, in its own process: `add` (uncached, the REST
// workload 1 action) and `addCached` (the same handler with a public 60 s
// result cache). Prints `PORT <n>` once it listens.
// Serval as users run it: the build (dist/, compiled by tsc), not the sources through tsx, whose
// helpers (a naming call around closures) cost the two paths unequally.
import { ROOT } from '../lib/procs.ts'

const dist = <T>(path: string) => import(`${ROOT}/dist/${path}`) as Promise<T>
const { action, createApp, listen, loadSettings } = await dist<typeof import('../../src/index.ts')>('index.js')
const { defaultExtensions } = await dist<typeof import('../../src/app/extensions.ts')>('app/extensions.js')
const { add: source } = await import('../actions/add.ts')

// Defined again by the build's action(), from the same definition and handler.
const add = action({ ...source.def, name: 'add' }, source.handler as never)
const addCached = action({ ...source.def, name: 'addCached', cache: { ttl: 60, scope: 'public' } }, source.handler as never)

const { settings } = await loadSettings({
  cli: { port: 0, log_level: 'silent', workers: 0, max_connections: 0, data_dir: `/tmp/serval-bench-cache-${process.pid}` },
  filesOff: true,
  env: {},
})
const app = await createApp({
  actions: [
    { action: add, exportName: 'add' },
    { action: addCached, exportName: 'addCached' },
  ],
  settings,
  extensions: await defaultExtensions(settings),
})
console.log(`PORT ${new URL((await listen(app)).url).port}`)
