/**
 * `serval/testing`: run every action example from your own test runner.
 *
 * @example
 * ```ts
 * // test/examples.test.ts (vitest or node:test)
 * import { it } from 'vitest'
 * import { loadExampleCases } from 'serval/testing'
 * for (const c of await loadExampleCases(['actions'])) it(c.title, c.run)
 * ```
 */
import { pino } from 'pino'
import { loadApp } from '../app/load.ts'
import type { App } from '../app/app.ts'
import { loadSettings } from '../config/load.ts'
import { exampleCases, type ExampleCase } from './examples.ts'

export { exampleCases, type ExampleCase }
export { createTestServer, type TestServer } from './server.ts'

/**
 * Discovers the actions of `dirs` and returns one case per example.
 *
 * @example
 * ```ts
 * for (const c of await loadExampleCases(['examples'])) test(c.title, c.run)
 * ```
 */
export async function loadExampleCases(dirs: readonly string[]): Promise<ExampleCase[]> {
  const app = await loadTestApp(dirs)
  return exampleCases(app)
}

/** Loads an app from directories with settings from the environment, quiet logs and files off. */
export async function loadTestApp(dirs: readonly string[], settings: Record<string, unknown> = {}): Promise<App> {
  const loaded = await loadSettings({ cli: { log_level: 'silent', ...settings }, filesOff: true })
  return loadApp({ settings: loaded.settings, dirs, logger: pino({ level: loaded.settings.log_level }) })
}
