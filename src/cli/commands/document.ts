import { writeFileSync } from 'node:fs'
import type { App } from '../../app/app.ts'
import { appFor, EXIT } from '../context.ts'

/**
 * A command that writes a document built from the app (OpenAPI, AsyncAPI)
 * as JSON to `--out` or stdout.
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
      const text = `${JSON.stringify(build(app), null, 2)}\n`
      if (typeof opts.out === 'string') writeFileSync(opts.out, text)
      else process.stdout.write(text)
      return EXIT.ok
    } finally {
      await app.close()
    }
  }
}
