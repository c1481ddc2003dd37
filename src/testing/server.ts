import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { createApp, type App } from '../app/app.ts'
import type { ActionSource } from '../core/registry.ts'
import { loadSettings } from '../config/load.ts'
import type { SettingName } from '../config/definitions.ts'
import { listen } from '../http/listen.ts'
import { loadApp } from '../app/load.ts'
import { defaultExtensions } from '../app/extensions.ts'

/** A server for tests: a real socket on port 0 and in-process `inject`, closed together. */
export interface TestServer {
  readonly app: App
  readonly url: string
  readonly server: FastifyInstance
  /** `fetch` against the server's URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/** What a test server serves: directories to discover, or actions given directly. */
export type TestServerSource = { dirs: readonly string[] } | { actions: readonly ActionSource[] }

/**
 * Starts a real server on 127.0.0.1, port 0, quiet logs.
 *
 * @example
 * ```ts
 * const t = await createTestServer({ dirs: ['examples'] })
 * const res = await t.fetch('/actions/add?a=1&b=2')
 * await t.close()
 * ```
 */
export async function createTestServer(
  source: TestServerSource,
  settings: Partial<Record<SettingName, unknown>> = {},
): Promise<TestServer> {
  // Each test server gets its own data_dir (jobs, results), removed on close, unless the test names one.
  const scratch = settings.data_dir === undefined ? mkdtempSync(join(tmpdir(), 'serval-test-')) : undefined
  const removeScratch = (): void => {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
  const loaded = await loadSettings({ cli: { log_level: 'silent', port: 0, host: '127.0.0.1', ...(scratch ? { data_dir: scratch } : {}), ...settings }, filesOff: true, env: {} })
  const logger = pino({ level: loaded.settings.log_level })
  const app =
    'dirs' in source
      ? await loadApp({ settings: loaded.settings, dirs: source.dirs, logger })
      : await createApp({ actions: source.actions, settings: loaded.settings, logger, extensions: await defaultExtensions(loaded.settings) })
  const running = await listen(app)
  return {
    app,
    server: running.server,
    url: running.url,
    fetch: (path, init) => fetch(`${running.url}${path}`, init),
    close: () => running.close().finally(removeScratch),
  }
}
