import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The modules of `serval/client` a generated client carries, in dependency
 * order, and the names each keeps exported (the rest become private to
 * the file). They import only one another, so inlined they need nothing.
 */
const INLINED: readonly { readonly file: string; readonly exports: readonly string[] }[] = [
  { file: 'wire.ts', exports: ['CallOptions', 'ClientOptions', 'ClientProblem', 'ClientJobView', 'ResultOptions', 'JobHandle'] },
  { file: 'error.ts', exports: ['ServalClientError'] },
  { file: 'query.ts', exports: [] },
  { file: 'transport.ts', exports: [] },
  { file: 'sse.ts', exports: [] },
  { file: 'stream.ts', exports: [] },
  { file: 'jobs.ts', exports: [] },
]

// The names generated clients exported before they carried serval/client's own source.
const ALIASES = `/** The problem document (RFC 9457) a failed call carries. */
export type Problem = ClientProblem
/** A job's status as \`GET /jobs/{id}\` answers it. */
export type JobView = ClientJobView
`

/**
 * The runtime every generated client carries, so it needs no package: the
 * very source of `serval/client` (its transport, errors, query encoder, SSE
 * parser and job handles, src/client/*.ts), its imports dropped and its
 * internals unexported, so the two clients cannot drift apart.
 *
 * @example
 * ```ts
 * const text = standaloneRuntime() // '… export class ServalClientError extends Error {…'
 * ```
 */
export function standaloneRuntime(): string {
  return [...INLINED.map(({ file, exports }) => inline(file, exports)), ALIASES].join('\n')
}

function inline(file: string, exports: readonly string[]): string {
  // src/client/codegen/runtime.ts and dist/client/codegen/runtime.js sit at the same depth; the package ships src.
  const root = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))))
  const source = readFileSync(join(root, 'src', 'client', file), 'utf8')
  return source
    .replace(/^import\b[^;]*?\bfrom\s+'([^']+)'\s*;?\n/gm, (_line, from: string) => dropImport(file, from))
    .replace(/^export (?=(?:async\s+)?(?:function\*?|class|interface|type|const)\s+([A-Za-z_$][\w$]*))/gm, (keep, name: string) => (exports.includes(name) ? keep : ''))
}

/** An import between inlined modules goes (they share one file); any other would leave the generated client needing a package. */
function dropImport(file: string, from: string): string {
  if (!INLINED.some((m) => `./${m.file}` === from)) throw new Error(`src/client/${file} imports ${from}, which the standalone client cannot carry: import only the inlined modules there`)
  return ''
}
