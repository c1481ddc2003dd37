import type { CompiledAction } from '../../core/registry.ts'

/** The queue most actions share. */
export const SHARED_QUEUE = 'jobs'

/**
 * The BullMQ queue of an action. Most share one queue (one blocking Redis
 * connection per worker process); an action with its own `concurrency` or
 * `retentionS` gets its own queue, because BullMQ limits concurrency and
 * ages out finished jobs per queue.
 *
 * @example
 * ```ts
 * queueNameOf(registry.get('resize')!) // 'jobs' or 'jobs-resize'
 * ```
 */
export function queueNameOf(action: CompiledAction): string {
  const job = action.def.job
  return job?.concurrency !== undefined || job?.retentionS !== undefined ? `${SHARED_QUEUE}-${action.name}` : SHARED_QUEUE
}

/**
 * Redis pub/sub channel that carries cancel requests to every worker process.
 *
 * @example
 * ```ts
 * await redis.publish(cancelChannel('serval'), jobId)
 * ```
 */
export function cancelChannel(prefix: string): string {
  return `${prefix}:jobs:cancel`
}
