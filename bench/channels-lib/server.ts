// A server for bench/channels.ts, in its own process: `serval` (a channel,
// a publishing action and `add`, on Serval) or `ws` (plain `ws` broadcasting
// the same frames). Prints `PORT <n>` once it listens. POST /publish (plain)
// or /actions/publish (Serval) with { seq } publishes one event { seq, t }
// (t: when it was published, on the shared wall clock in ms).
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const now = () => performance.timeOrigin + performance.now()
const kind = process.argv[2]

async function serval(): Promise<number> {
  const { action, channel, channelsSetup, createApp, listen, loadSettings } = await import('../../src/index.ts')
  const { defaultExtensions } = await import('../../src/app/extensions.ts')
  const bench = channel('bench', { event: { type: 'object', properties: { seq: { type: 'integer' }, t: { type: 'number' } }, required: ['seq', 't'] }, access: 'public' })
  const publish = action({ access: 'public', input: { type: 'object', properties: { seq: { type: 'integer' } }, required: ['seq'] } }, async ({ seq }: { seq: number }) => {
    await bench.publish({ seq, t: now() })
    return { ok: true }
  })
  const add = action({ access: 'public', input: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }, ({ a, b }: { a: number; b: number }) => ({ sum: a + b }))
  const { settings } = await loadSettings({
    cli: { port: 0, log_level: 'silent', workers: 0, max_connections: 0, ws_max_connections: 100_000, ws_max_buffer: 64 * 1024 * 1024, data_dir: `/tmp/serval-bench-channels-${process.pid}` },
    filesOff: true,
    env: {},
  })
  const setup = channelsSetup([{ channel: bench, exportName: 'bench' }], settings)
  const app = await createApp({
    actions: [{ action: publish, exportName: 'publish' }, { action: add, exportName: 'add' }],
    settings,
    extensions: [...(await defaultExtensions(settings)), setup.extension],
  })
  return Number(new URL((await listen(app)).url).port)
}

function plain(): Promise<number> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const { seq } = JSON.parse(body) as { seq: number }
      const frame = `{"channel":"bench","event":${JSON.stringify({ seq, t: now() })}}`
      for (const client of wss.clients) client.send(frame)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  server.maxConnections = 0
  const wss = new WebSocketServer({ server, perMessageDeflate: false })
  let ids = 0
  wss.on('connection', (socket) => socket.send(JSON.stringify({ channel: 'bench', connectionId: `c.${++ids}` })))
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
}

const port = kind === 'serval' ? await serval() : await plain()
console.log(`PORT ${port}`)
