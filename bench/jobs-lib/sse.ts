// SSE events/s on one connection: an async generator yields small items as
// fast as it can; a fetch client on 127.0.0.1 reads and counts the events.
import { pino } from 'pino'
import { Type } from '@sinclair/typebox'
import { action } from '../../src/action/define.ts'
import { createApp } from '../../src/app/app.ts'
import { loadSettings } from '../../src/config/load.ts'
import { listen } from '../../src/http/listen.ts'

const firehose = action(
  { name: 'firehose', http: 'GET', input: Type.Object({ n: Type.Integer({ minimum: 1 }) }), output: Type.Object({ n: Type.Integer() }) },
  async function* ({ n }) {
    for (let i = 0; i < n; i++) yield { n: i }
  },
)

/** Counts `\n\n` event terminators across chunk boundaries. */
function counter(): (chunk: string) => number {
  let carry = ''
  let total = 0
  return (chunk) => {
    const text = carry + chunk
    for (let i = text.indexOf('\n\n'); i !== -1; i = text.indexOf('\n\n', i + 2)) total++
    carry = text.endsWith('\n') && !text.endsWith('\n\n') ? '\n' : ''
    return total
  }
}

/** A server with the firehose action; `run(n)` streams n items over one SSE connection and resolves with events/s (the end event included). */
export async function sseHarness(): Promise<{ run(n: number): Promise<number>; close(): Promise<void> }> {
  const { settings } = await loadSettings({ cli: { log_level: 'silent', port: 0, host: '127.0.0.1', sse_heartbeat_s: 0, workers: 0 }, filesOff: true, env: {} })
  const app = await createApp({ actions: [{ action: firehose, exportName: 'firehose' }], settings, logger: pino({ level: 'silent' }) })
  const running = await listen(app)
  const run = async (n: number) => {
    const t0 = performance.now()
    const res = await fetch(`${running.url}/actions/firehose?n=${n}`)
    const count = counter()
    const decoder = new TextDecoder()
    let seen = 0
    const reader = res.body!.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen = count(decoder.decode(r.value, { stream: true }))
    if (seen !== n + 1) throw new Error(`expected ${n + 1} events, read ${seen}`)
    return seen / ((performance.now() - t0) / 1000)
  }
  return { run, close: () => running.close() }
}
