// The server of bench/cache.ts, in its own process: `add` (uncached, the REST
// workload 1 action) and `addCached` (the same handler with a public 60 s
// result cache). Prints `PORT <n>` once it listens.
const { action, createApp, listen, loadSettings } = await import('../../src/index.ts')
const { defaultExtensions } = await import('../../src/app/extensions.ts')
const { add } = await import('../actions/add.ts')

const addCached = action({ ...add.def, name: 'addCached', cache: { ttl: 60, scope: 'public' } }, add.handler as never)

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
