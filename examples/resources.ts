// A resource: one PostgreSQL pool per server, opened while the server
// already listens (/_sys/ready is 503 until it is open), shared by every
// handler as ctx.resources.pg, closed on shutdown. Set DATABASE_URL to turn
// it on, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm start;
// without it the server starts anyway and GET /actions/database-now answers
// a 503 saying why.
import pg from 'pg'
import { action, disabledResource, resource, type ResourceValue } from 'serval'
import { z } from 'zod'

export const database = resource('pg', {
  async open({ signal }) {
    const url = process.env.DATABASE_URL
    if (!url) return disabledResource('DATABASE_URL is not set')
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 })
    pool.on('error', () => undefined) // an idle client's error: the pool drops it and makes another
    // One round trip now, so a wrong URL or a database that is down fails startup, naming this resource.
    const check = pool.query('select 1')
    signal.addEventListener('abort', () => void pool.end().catch(() => undefined), { once: true })
    await check
    return pool
  },
  close: (pool) => pool.end(),
})

// Once per app: every handler then sees ctx.resources.pg as a pg.Pool.
declare module 'serval' {
  interface Resources {
    pg: ResourceValue<typeof database>
  }
}

export const databaseNow = action(
  {
    description: "The database's clock and name, read through the shared pool",
    http: 'GET',
    output: z.object({ now: z.string(), database: z.string() }),
  },
  async (_input, ctx) => {
    const { rows } = await ctx.resources.pg.query<{ now: Date; database: string }>('select now() as now, current_database() as database')
    return { now: rows[0]!.now.toISOString(), database: rows[0]!.database }
  },
)
