import type { Redis } from 'ioredis'
import type { JobFilter, JobPage, JobRecord } from '../types.ts'
import { SHARED_QUEUE } from './queues.ts'

/** A filtered listing reads the owner's index this many at a time. */
const CHUNK = 100

/**
 * The sorted set of one submitter's jobs (score: createdAt), so `GET /jobs`
 * reads the caller's own jobs and nobody else's. Members are `queue:id`
 * (BullMQ queue names have no `:`).
 *
 * @example
 * ```ts
 * ownerKey('serval', 'alice') // 'serval:jobs:owner:u:alice'
 * ownerKey('serval', null)    // 'serval:jobs:owner:-' (jobs without a principal)
 * ```
 */
export function ownerKey(prefix: string, owner: string | null): string {
  return `${prefix}:${SHARED_QUEUE}:owner:${owner === null ? '-' : `u:${owner}`}`
}

/**
 * The index member of a job.
 *
 * @example
 * ```ts
 * ownerMember('jobs', id) // 'jobs:0d4c…'
 * ```
 */
export function ownerMember(queue: string, id: string): string {
  return `${queue}:${id}`
}

/**
 * Reads one indexed job (undefined once it is gone: removed after its retention).
 *
 * @example
 * ```ts
 * const read: ReadMember = async (queue, id) => backend.get(id)
 * ```
 */
export type ReadMember = (queue: string, id: string) => Promise<JobRecord | undefined>

/**
 * A page of the owner's jobs, newest first. Unfiltered, it reads just the
 * page (plus one, for `more`); with `action` or `status` it reads the
 * owner's jobs a chunk at a time until the page is full. Members whose job
 * is gone are dropped from the index on the way.
 *
 * @example
 * ```ts
 * const page = await listOwned(redis, ownerKey(prefix, 'alice'), { owner: 'alice', limit: 20, offset: 0 }, read)
 * ```
 */
export async function listOwned(redis: Redis, key: string, filter: JobFilter, read: ReadMember): Promise<JobPage> {
  const filtered = filter.action !== undefined || filter.status !== undefined
  const want = filter.limit + 1
  const chunk = filtered ? CHUNK : want
  const found: JobRecord[] = []
  let skip = filtered ? filter.offset : 0
  let rank = filtered ? 0 : filter.offset
  while (found.length < want) {
    const members = await redis.zrevrange(key, rank, rank + chunk - 1)
    const records = await Promise.all(members.map((m) => readMember(m, read)))
    const gone = members.filter((_, i) => !records[i])
    if (gone.length) await redis.zrem(key, ...gone)
    rank += members.length - gone.length
    for (const record of records) {
      if (!record || (filter.action !== undefined && record.action !== filter.action) || (filter.status !== undefined && record.status !== filter.status)) continue
      if (skip > 0) skip--
      else if (found.push(record) === want) break
    }
    if (members.length < chunk) break
  }
  return { items: found.slice(0, filter.limit), more: found.length > filter.limit }
}

function readMember(member: string, read: ReadMember): Promise<JobRecord | undefined> {
  const colon = member.indexOf(':')
  return colon > 0 ? read(member.slice(0, colon), member.slice(colon + 1)) : Promise.resolve(undefined)
}
