import { spawn, type ChildProcess } from 'node:child_process'
import { watch } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devAuthEnv } from '../../auth/secrets.ts'
import { functionDirs, settingsFor } from '../context.ts'
import { serveCommand } from './serve.ts'

const BIN = fileURLToPath(new URL('../../../bin/serval.js', import.meta.url))

/**
 * `serval dev [DIR...]`: serve in dev mode; with reload on (the default
 * here), a supervisor restarts the server when a file under the function
 * directories changes. ESM modules cannot be unloaded, so a fresh process is
 * the only honest reload.
 */
export async function devCommand(dirs: string[], opts: Record<string, unknown>, argv: string[]): Promise<number> {
  const { settings, sources } = await settingsFor(opts, { dev_mode: true })
  const reload = sources.reload === 'default' ? true : settings.reload
  const dirsToServe = functionDirs(dirs, settings)
  if (!reload || process.env.SERVAL_DEV_CHILD === '1') return serveCommand(dirs, opts, { dev_mode: true })
  const watched = dirsToServe.map((d) => resolve(d))
  let child: ChildProcess | undefined
  const authEnv = devAuthEnv(settings) // generated once: tokens survive reloads
  const start = () => {
    child = spawn(process.execPath, [BIN, ...argv], { stdio: 'inherit', env: { ...process.env, ...authEnv, SERVAL_DEV_CHILD: '1' } })
  }
  let timer: NodeJS.Timeout | undefined
  const restart = (file: string | null) => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      process.stderr.write(`serval dev: ${file ?? 'a file'} changed, restarting\n`)
      const old = child
      old?.once('exit', start)
      old?.kill('SIGTERM')
      if (!old || old.exitCode !== null) start()
    }, 100)
  }
  const watchers = watched.map((dir) => watch(dir, { recursive: true }, (_e, file) => restart(file)))
  start()
  return new Promise((resolveExit) => {
    const stop = () => {
      for (const w of watchers) w.close()
      child?.once('exit', () => resolveExit(0))
      child?.kill('SIGTERM')
    }
    process.once('SIGTERM', stop).once('SIGINT', stop)
  })
}
