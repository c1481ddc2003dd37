// Jobs: any action runs in the background with POST /jobs/{kebab-name}.
// This one is slow on purpose: it reports progress and stops when cancelled.
//   curl -si -X POST localhost:8000/jobs/count-slowly -H 'content-type: application/json' -d '{"to":20}'
//   curl -s localhost:8000/jobs/<id>            # status, progress
//   curl -s localhost:8000/jobs/<id>/result     # 409 until it finished, then the output
//   curl -s -X DELETE localhost:8000/jobs/<id>  # cancel: ctx.signal fires
//   serval run countSlowly --job --input '{"to":5}' examples   # progress on stderr, result on stdout
import { setTimeout as sleep } from 'node:timers/promises'
import { action } from 'serval'
import { z } from 'zod'

export const countSlowly = action(
  {
    description: 'Count to `to`, one step every `delayMs` ms, reporting progress; a cancel stops it',
    input: z.object({ to: z.number().int().min(1).max(1000), delayMs: z.number().int().min(0).max(10_000).default(250) }),
    output: z.object({ counted: z.number() }),
    // Two runs at most (one retry after 500 ms), a minute per run, two at once per process.
    job: { retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 500 } }, timeoutMs: 60_000, concurrency: 2 },
    examples: [{ name: 'count_to_three', input: { to: 3, delayMs: 1 }, output: { counted: 3 } }],
  },
  async ({ to, delayMs }, ctx) => {
    for (let i = 1; i <= to; i++) {
      // The signal aborts on cancel, timeout and shutdown: the sleep rejects and the run ends.
      await sleep(delayMs, undefined, { signal: ctx.signal })
      ctx.progress(i / to, `counted ${i} of ${to}`)
    }
    return { counted: to }
  },
)
