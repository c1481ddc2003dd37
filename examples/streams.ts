// Streams: an async generator handler streams its items.
//   curl -N localhost:8000/actions/countdown?from=5                                  # SSE: data events, then event: end
//   curl -N localhost:8000/actions/countdown?from=5 -H 'accept: application/x-ndjson' # one JSON item per line
//   serval run countdown --input '{"from":3}' examples                                # NDJSON on stdout
import { setTimeout as sleep } from 'node:timers/promises'
import { action } from 'serval'
import { z } from 'zod'

export const countdown = action(
  {
    description: 'Count down from `from`, one item every `delayMs` ms (a stream: SSE, or NDJSON on request)',
    http: ['GET', 'POST'],
    input: z.object({ from: z.number().int().min(1).max(100), delayMs: z.number().int().min(0).max(5000).default(200) }),
    // For a stream, `output` is the schema of each item.
    output: z.object({ n: z.number(), liftoff: z.boolean() }),
    examples: [{ name: 'from_three', input: { from: 3, delayMs: 0 } }],
  },
  async function* ({ from, delayMs }, ctx) {
    try {
      for (let n = from; n >= 0; n--) {
        yield { n, liftoff: n === 0 }
        if (n > 0) await sleep(delayMs, undefined, { signal: ctx.signal })
      }
    } finally {
      // Runs when the stream ends, fails, or the client goes away.
      ctx.log.debug('countdown closed')
    }
  },
)
