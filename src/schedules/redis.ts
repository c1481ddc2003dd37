import { SYSTEM_OWNER } from '../jobs/owner.ts'
import type { ScheduleSpec } from '../jobs/types.ts'
import type { ParsedSchedule } from './parse.ts'

/**
 * Schedules as a job backend that keeps them itself (Redis) takes them:
 * each tick is owned by the system (`SYSTEM_OWNER`) and runs with no
 * principal, as trigger `schedule`.
 *
 * @example
 * ```ts
 * if (backend.schedule) await backend.schedule(toScheduleSpecs(schedules))
 * ```
 */
export function toScheduleSpecs(schedules: readonly ParsedSchedule[]): ScheduleSpec[] {
  return schedules.map((s) => ({
    action: s.action,
    repeat: s.kind === 'every' ? { every: s.ms } : { pattern: s.cron, ...(s.tz ? { tz: s.tz } : {}) },
    input: s.input,
    // Ticks belong to the system: no HTTP caller sees them (they still run with no principal).
    principal: SYSTEM_OWNER,
  }))
}
