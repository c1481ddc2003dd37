import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pino } from 'pino'
import { createApp, listen, loadSettings, type AnyAction, type ActionSource, type App, type Extension, type RunningServer, type SettingName } from 'serval'
import { defaultExtensions } from '../../src/app/extensions.ts'

/** A scratch folder holding the given files (relative path → content), removed by `remove()`. */
export function scratchDir(files: Record<string, string | Buffer>): { dir: string; remove(): void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'serval-web-')))
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), content)
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Action sources whose file is `file` (so its folder's templates/ and static/ belong to them). */
export function sourcesIn(file: string, actions: Record<string, AnyAction>): ActionSource[] {
  return Object.entries(actions).map(([exportName, action]) => ({ action, exportName, file }))
}

/** The app, built as `loadApp` would (default extensions) plus any extra extension, with quiet logs. */
export async function webApp(actions: readonly ActionSource[], settings: Partial<Record<SettingName, unknown>> = {}, extra: Extension[] = []): Promise<App> {
  const loaded = await loadSettings({ cli: { log_level: 'silent', port: 0, host: '127.0.0.1', ...settings }, filesOff: true, env: {} })
  const extensions = [...(await defaultExtensions(loaded.settings)), ...extra]
  return createApp({ actions, settings: loaded.settings, logger: pino({ level: 'silent' }), extensions })
}

/** A served app on 127.0.0.1, port 0. */
export async function webServer(actions: readonly ActionSource[], settings: Partial<Record<SettingName, unknown>> = {}, extra: Extension[] = []): Promise<RunningServer> {
  return listen(await webApp(actions, settings, extra))
}

/** One raw HTTP/1.1 request on a socket, the target sent byte for byte (fetch would normalise it). */
export function rawGet(url: string, target: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to GET ${target}`)))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      resolve({ status: Number(text.slice(9, 12)), head: text.slice(0, split), body: text.slice(split + 4) })
    })
  })
}
