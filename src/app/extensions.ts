import type { Settings } from '../config/definitions.ts'
import type { Extension } from './extension.ts'

/**
 * The extensions every app gets, chosen from the settings. Each capability
 * (jobs, schedules, auth…) adds itself here and nowhere else in the core.
 */
export async function defaultExtensions(_settings: Settings): Promise<Extension[]> {
  const list: Extension[] = []
  return list
}
