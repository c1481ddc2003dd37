import type { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import { clientPath } from '../app/problem.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError, toProblem } from '../errors/index.ts'
import { sendProblem } from '../http/problem-reply.ts'
import { framing, type Framing } from './frames.ts'
import { streamFormat } from './negotiate.ts'
import { watchStop, type StopWatch } from './stop.ts'

const STOP = Symbol('stop')
type Step = IteratorResult<unknown> | typeof STOP

/**
 * Answers a streaming action: SSE (`text/event-stream`) by default, NDJSON
 * when the client's `Accept` prefers `application/x-ndjson`. The first item
 * is awaited before the status is sent, so an error thrown before it is a
 * normal problem response with its own status; later errors become an
 * `event: error` (an `{"error": …}` line in NDJSON). A client that goes away
 * stops the stream and the generator's `finally` runs.
 *
 * @example
 * ```ts
 * const output = await app.invoke(action, input, inv)
 * await sendStream(app, request, reply, action, output as AsyncIterable<unknown>)
 * ```
 */
export async function sendStream(
  app: App,
  request: FastifyRequest,
  reply: FastifyReply,
  action: CompiledAction,
  items: AsyncIterable<unknown>,
): Promise<unknown> {
  const it = items[Symbol.asyncIterator]()
  if (request.method === 'HEAD') {
    // Headers only: the generator never starts.
    void Promise.resolve(it.return?.()).catch(() => undefined)
    return reply.header('content-type', framing(streamFormat(request.headers.accept)).contentType).send()
  }
  const stop = watchStop(app, reply.raw)
  let first: Step
  try {
    first = await nextOrStop(it, stop)
  } catch (error) {
    stop.dispose()
    return sendProblem(app, request, reply, error)
  }
  const frames = framing(streamFormat(request.headers.accept))
  openStream(reply, frames)
  const heartbeat = startHeartbeat(reply.raw, frames, app.settings.sse_heartbeat_s)
  try {
    await pump(app, request, reply.raw, frames, toJson(action), it, first, stop)
  } finally {
    clearInterval(heartbeat)
    stop.dispose()
    reply.raw.end()
  }
}

async function pump(
  app: App,
  request: FastifyRequest,
  res: ServerResponse,
  frames: Framing,
  serialize: (item: unknown) => string,
  it: AsyncIterator<unknown>,
  first: Step,
  stop: StopWatch,
): Promise<void> {
  let count = 0
  let step = first
  try {
    while (step !== STOP && !step.done) {
      count++
      const written = write(res, frames.item(serialize(step.value)), stop)
      if (written !== true && !(await written)) break
      step = await nextOrStop(it, stop)
    }
  } catch (error) {
    res.write(frames.error(problemOf(app, request, error)))
    res.write(frames.end(count))
    return
  }
  if (stop.reason === undefined) return void res.write(frames.end(count))
  // Stopped early: end the generator, so its `finally` runs.
  void Promise.resolve(it.return?.()).catch(() => undefined)
  if (stop.reason === 'shutdown') {
    res.write(frames.error(problemOf(app, request, new ServalError('unavailable', { detail: 'The server is shutting down', publicDetail: true }))))
    res.write(frames.end(count))
  }
}

/** The next item, or STOP when the client or the server gives up first (a late rejection then lands on a settled promise). */
function nextOrStop(it: AsyncIterator<unknown>, stop: StopWatch): Promise<Step> {
  return new Promise<Step>((resolve, reject) => {
    stop.wait(() => resolve(STOP))
    if (!stop.reason) it.next().then(resolve, reject)
  })
}

/** Writes a chunk; when the socket buffer is full, waits for it to drain (or for a stop). Resolves false when stopped. */
function write(res: ServerResponse, chunk: string, stop: StopWatch): boolean | Promise<boolean> {
  if (res.write(chunk)) return true
  return new Promise<boolean>((resolve) => {
    const drained = () => resolve(true)
    res.once('drain', drained)
    stop.wait(() => {
      res.off('drain', drained)
      resolve(false)
    })
  })
}

function openStream(reply: FastifyReply, frames: Framing): void {
  reply.hijack()
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': frames.contentType,
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no', // X-Functions-Version and X-Request-Id come with the reply's own headers
  })
  reply.raw.flushHeaders()
}

function startHeartbeat(res: ServerResponse, frames: Framing, seconds: number): NodeJS.Timeout | undefined {
  if (!frames.heartbeat || seconds <= 0) return undefined
  const timer = setInterval(() => res.write(frames.heartbeat), seconds * 1000)
  timer.unref()
  return timer
}

function toJson(action: CompiledAction): (item: unknown) => string {
  const output = action.output
  // An output's serialiser always gives JSON text (`null` for undefined, see src/schema/serialize.ts); JSON.stringify may not.
  return output ? (item) => output.serialize(item) : (item) => JSON.stringify(item) ?? 'null'
}

function problemOf(app: App, request: FastifyRequest, error: unknown) {
  const problem = toProblem(error, { devMode: app.settings.dev_mode, instance: clientPath(app, request.url.split('?')[0] ?? '/'), requestId: String(request.id) })
  if (problem.status >= 500) request.log.error({ reqId: request.id, err: error }, `stream failed: ${problem.title}`)
  return problem
}
