import { writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { buildOpenApi } from '../../openapi/index.ts'
import { appFor, CliExit, EXIT } from '../context.ts'

/** `serval openapi [--out F] [DIR...]`: writes the OpenAPI document (stdout by default). */
export async function openapiCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const app = await appFor(dirs, opts, 'silent')
  try {
    const text = `${JSON.stringify(buildOpenApi(app), null, 2)}\n`
    if (typeof opts.out === 'string') writeOut(opts.out, text)
    else process.stdout.write(text)
    return EXIT.ok
  } finally {
    await app.close()
  }
}

/** A file that cannot be written is bad usage of `--out`: one line naming it, never a stack. */
function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? `no directory ${dirname(file)}` : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error)
    throw new CliExit(EXIT.usage, `--out: cannot write ${file}: ${why}`)
  }
}
