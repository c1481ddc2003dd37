import { readFileSync } from 'node:fs'
import { generateClient } from '../../client/codegen/index.ts'
import { buildOpenApi } from '../../openapi/index.ts'
import { CliExit, EXIT } from '../context.ts'
import { documentCommand, writeOut } from './document.ts'

type Opts = Record<string, unknown>

const fromApp = documentCommand((app) => generateClient(buildOpenApi(app)).trimEnd())

/**
 * `serval client [--out F] [--from URL|file.json] [DIR...]`: writes a
 * standalone typed TypeScript client, from the loaded app's OpenAPI
 * document or from one fetched or read with `--from`.
 *
 * @example
 * ```ts
 * await clientCommand(['examples'], { out: 'client.ts' })
 * ```
 */
export async function clientCommand(dirs: string[], opts: Opts): Promise<number> {
  if (typeof opts.from !== 'string') return fromApp(dirs, opts)
  const text = generateClient(await readDocument(opts.from))
  if (typeof opts.out === 'string') writeOut(opts.out, text)
  else process.stdout.write(text)
  return EXIT.ok
}

async function readDocument(from: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = /^https?:\/\//.test(from) ? await fetchText(from) : readFileSync(from, 'utf8')
  } catch (error) {
    throw new CliExit(EXIT.usage, `--from: cannot read ${from}: ${error instanceof Error ? error.message : String(error)}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CliExit(EXIT.usage, `--from: ${from} is not JSON`)
  }
  if (!doc || typeof doc !== 'object' || typeof (doc as { openapi?: unknown }).openapi !== 'string') {
    throw new CliExit(EXIT.usage, `--from: ${from} is not an OpenAPI document (no "openapi" field)`)
  }
  return doc as Record<string, unknown>
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return res.text()
}
