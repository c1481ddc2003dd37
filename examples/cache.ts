// The result cache: a cached action answers identical calls without running again.
//   curl -si 'localhost:8000/actions/slow-get-with-ttl?name=ada'   # 3 s, X-Cache: MISS, ETag, Cache-Control: public, max-age=30
//   curl -si 'localhost:8000/actions/slow-get-with-ttl?name=ada'   # at once, X-Cache: HIT, Age: 2
//   curl -si 'localhost:8000/actions/slow-get-with-ttl?name=ada' -H 'if-none-match: "<etag>"'   # 304, no body
import { setTimeout as sleep } from 'node:timers/promises'
import { action } from 'serval'
import { z } from 'zod'

export const slowGetWithTtl = action(
  {
    description: 'Greets `name` after 3 seconds; the answer is cached for 30 s (public: the same for every caller)',
    http: 'GET',
    input: z.object({ name: z.string().min(1).max(100) }),
    output: z.object({ greeting: z.string(), at: z.string() }),
    cache: { ttl: 30, scope: 'public' },
  },
  async ({ name }, ctx) => {
    await sleep(3000, undefined, { signal: ctx.signal })
    return { greeting: `Hello, ${name}`, at: new Date().toISOString() }
  },
)

// Stored results: the answer is kept for results_retention_s and the response says where.
//   curl -si -X POST localhost:8000/actions/monthly-report   # Location: http://localhost:8000/results/<id>
//   curl -si localhost:8000/results/<id>                     # the same body, status and content type
export const monthlyReport = action(
  {
    description: 'A report worth keeping: every answer is stored under /results/{id}',
    output: z.object({ month: z.string(), total: z.number() }),
    store: true,
  },
  () => ({ month: new Date().toISOString().slice(0, 7), total: 42 }),
)
