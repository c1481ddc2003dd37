import { writeFileSync } from 'node:fs'
import { buildOpenApi } from '../../openapi/index.ts'
import { appFor, EXIT } from '../context.ts'

/** `serval openapi [--out F] [DIR...]`: writes the OpenAPI document (stdout by default). */
export async function openapiCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const app = await appFor(dirs, opts, 'silent')
  try {
    const text = `${JSON.stringify(buildOpenApi(app), null, 2)}\n`
    if (typeof opts.out === 'string') writeFileSync(opts.out, text)
    else process.stdout.write(text)
    return EXIT.ok
  } finally {
    await app.close()
  }
}
