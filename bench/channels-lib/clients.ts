// The client side of bench/channels.ts: many `ws` subscribers in this
// process, and a publisher that waits for every delivery of each event.
import { request } from 'node:http'
import { WebSocket } from 'ws'

const now = () => performance.timeOrigin + performance.now()

/** N subscribers; resolves once every one got its first frame. */
export class Subscribers {
  readonly sockets: WebSocket[] = []
  /** Delivery latencies (ms) recorded while `recording`. */
  latencies: number[] = []
  recording = false
  #waiting: { seq: number; left: number; done: () => void } | undefined

  static async open(url: string, n: number): Promise<Subscribers> {
    const subs = new Subscribers()
    // Opened in batches: thousands of simultaneous handshakes measure the kernel, not the server.
    for (let i = 0; i < n; i += 500) await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => subs.#one(url)))
    return subs
  }

  #one(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false })
      let first = true
      socket.on('message', (data) => {
        if (first) return void ((first = false), resolve())
        this.#deliver(String(data))
      })
      socket.once('error', reject)
      this.sockets.push(socket)
    })
  }

  #deliver(text: string): void {
    const { event } = JSON.parse(text) as { event: { seq: number; t: number } }
    if (this.recording) this.latencies.push(now() - event.t)
    const w = this.#waiting
    if (w && event.seq === w.seq && --w.left === 0) w.done()
  }

  /** Resolves once `seq` reached all subscribers. */
  expect(seq: number): Promise<void> {
    return new Promise((done) => (this.#waiting = { seq, left: this.sockets.length, done }))
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => (s.readyState === s.CLOSED ? resolve() : (s.once('close', () => resolve()), s.close())))))
  }
}

/** POSTs JSON to 127.0.0.1:port and resolves when answered. */
export function postJson(port: number, path: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path} answered ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

/** /ws round trips of `add` for `seconds`, `inFlight` calls at once on one socket; returns calls/s. */
export async function wsCalls(port: number, seconds: number, inFlight: number): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false })
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  let id = 0
  let done = 0
  const end = performance.now() + seconds * 1000
  const send = () => socket.send(`{"id":${++id},"action":"add","input":{"a":1,"b":2}}`)
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    socket.on('message', () => {
      done++
      if (performance.now() < end) send()
      else if (done === id) resolve()
    })
    for (let i = 0; i < inFlight; i++) send()
  })
  const rate = done / ((performance.now() - t0) / 1000)
  socket.close()
  return rate
}
