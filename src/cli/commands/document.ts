import { writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { App } from '../../app/app.ts'
import { appFor, CliExit, EXIT } from '../context.ts'

/**
 * A command that writes a document built from the app (OpenAPI, AsyncAPI)
 * as JSON to `--out` or stdout; a document that is text (the GraphQL SDL) is written as it is.
 *
 * @example
 * ```ts
 * const asyncapiCommand = documentCommand(buildAsyncApi)
 * ```
 */
export function documentCommand(build: (app: App) => unknown): (dirs: string[], opts: Record<string, unknown>) => Promise<number> {
  return async (dirs, opts) => {
    const app = await appFor(dirs, opts, 'silent')
    try {
      const doc: unknown = await build(app)
      const text = typeof doc === 'string' ? `${doc}\n` : `${JSON.stringify(doc, null, 2)}\n`
      if (typeof opts.out === 'string') writeOut(opts.out, text)
      else process.stdout.write(text)
      return EXIT.ok
    } finally {
      await app.close()
    }
  }
}

/** A file that cannot be written is bad usage of `--out`: one line naming it, never a stack. */
export function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? `no directory ${dirname(file)}` : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error)
    throw new CliExit(EXIT.usage, `--out: cannot write ${file}: ${why}`)
  }
}
