import type { Settings } from '../config/definitions.ts'
import { assetsExtension } from '../assets/index.ts'
import { authExtension } from '../auth/extension.ts'
import { jobsExtension } from '../jobs/index.ts'
import { opsExtension } from '../ops/extension.ts'
import { metricsExtension } from '../metrics/index.ts'
import { resultsExtension } from '../results/index.ts'
import { schedulesExtension } from '../schedules/index.ts'
import { webExtension } from '../web/index.ts'
import type { Extension } from './extension.ts'

/**
 * The extensions every app gets, chosen from the settings. Each capability
 * (jobs, schedules, auth…) adds itself here and nowhere else in the core.
 */
export async function defaultExtensions(settings: Settings): Promise<Extension[]> {
  const list: Extension[] = []
  if (settings.metrics) list.push(metricsExtension())
  // Jobs before schedules: distributed schedules use the jobs' queues (and stop after them).
  list.push(jobsExtension(), schedulesExtension(), resultsExtension(), assetsExtension(), webExtension(), opsExtension())
  // Auth stays last: its OpenAPI hook secures the operations the others added.
  list.push(authExtension())
  return list
}
