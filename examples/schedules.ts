// Schedules: an action with `schedule` runs by itself. Embedded (no redis_url) it runs in the
// serving process, never overlapping itself; with redis_url each tick runs once across all instances.
// GET /_sys/info lists the schedules and, embedded, their next run.
import { action } from 'serval'
import { z } from 'zod'

const beats = { count: 0, last: null as string | null }

export const heartbeat = action(
  {
    description: 'Runs every minute by itself and counts its ticks (harmless: it only touches memory)',
    schedule: { every: '1m' },
    output: z.object({ count: z.number() }),
    examples: [{ name: 'one_beat', input: {} }],
  },
  () => {
    beats.count++
    beats.last = new Date().toISOString()
    return { count: beats.count }
  },
)

export const lastHeartbeat = action(
  {
    description: 'How many times the heartbeat schedule ran in this process, and when it last did',
    http: 'GET',
    output: z.object({ count: z.number(), last: z.string().nullable() }),
    examples: [{ name: 'read', input: {} }],
  },
  () => ({ ...beats }),
)

export const nightlyReport = action(
  {
    description: 'A cron schedule with a time zone: 03:00 in Paris every day (it only writes a log line)',
    http: false,
    schedule: { cron: '0 3 * * *', tz: 'Europe/Paris' },
  },
  (_input, ctx) => {
    ctx.log.info({ beats: beats.count }, 'nightly report')
  },
)
