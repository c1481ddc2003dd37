import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { clientCommand } from '../src/cli/commands/client.ts'
import { CliExit } from '../src/cli/context.ts'

// `serval client --out` on examples/ (the one CLI spawn), compiled standalone, run against a real server.
const dir = mkdtempSync(join(tmpdir(), 'serval-codegen-'))
const out = join(dir, 'client.ts')
let server: TestServer
// The generated module, typed by the compile step below (its types are checked there, not here).
let gen: {
  createClient(url: string): Record<string, (input?: unknown) => Promise<unknown> & AsyncIterable<unknown>> & { jobs: Record<string, (input: unknown) => Promise<{ result(o?: { intervalMs?: number }): Promise<unknown> }>> }
  ServalClientError: new (...args: never[]) => Error & { status: number; detail?: string; problem: { detail?: string }; errors?: { path: string }[] }
}

beforeAll(async () => {
  const [, started] = await Promise.all([
    promisify(execFile)(process.execPath, ['bin/serval.js', 'client', '--out', out, '--data-dir', join(dir, 'data'), 'examples']),
    createTestServer({ dirs: ['examples'] }),
  ])
  server = started
  gen = (await import(out)) as typeof gen
}, 60_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('serval client (the generated standalone client)', () => {
  it('compiles alone under strict and noUncheckedIndexedAccess, importing nothing', () => {
    const consumer = join(dir, 'use.ts')
    // Wrong input types must be compile errors too: @ts-expect-error fails the build if they are not.
    writeFileSync(
      consumer,
      `import { createClient } from './client.ts'
const c = createClient('http://x')
export const a: Promise<{ title: string; year: number }> = c.addBook({ title: 't', year: 1 })
// @ts-expect-error year is a number
c.addBook({ title: 't', year: '1' })
// @ts-expect-error title is required
c.addBook({ year: 1 })
export async function items(): Promise<number> { let n = 0; for await (const x of c.countdown({ from: 2 })) n += x.n; return n }
`,
    )
    const program = ts.createProgram([out, consumer], {
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
      types: [],
      // The DOM library is checked by TypeScript's own tests; this checks the generated file.
      skipLibCheck: true,
    })
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    expect(diagnostics).toEqual([])
    expect(program.getSourceFiles().filter((f) => !program.isSourceFileDefaultLibrary(f)).map((f) => f.fileName).sort()).toEqual([out, consumer].sort())
  })

  it("carries serval/client's own modules (imports dropped), not a copy that can drift", () => {
    const unexported = (text: string) => text.replace(/^export /gm, '')
    const generated = unexported(readFileSync(out, 'utf8'))
    for (const file of ['wire.ts', 'error.ts', 'transport.ts', 'query.ts', 'sse.ts', 'stream.ts', 'jobs.ts']) {
      expect(generated, file).toContain(unexported(readFileSync(join('src/client', file), 'utf8').replace(/^import [^\n]*\n/gm, '')))
    }
  })

  it('answers values from POST and GET actions', async () => {
    const client = gen.createClient(server.url)
    expect(await client.addBook!({ title: 'Lathe', year: 1971 })).toEqual({ title: 'Lathe', author: 'unknown', year: 1971, format: 'paperback' })
    expect(await client.findBooks!({ author: 'Butler', limit: 1 })).toMatchObject({ total: 1, books: [{ title: 'Kindred' }] })
  })

  it('rejects with ServalClientError carrying the problem', async () => {
    const error = await gen.createClient(server.url).addBook!({ year: 'x' }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(gen.ServalClientError)
    const problem = error as InstanceType<typeof gen.ServalClientError>
    expect(problem.status).toBe(422)
    expect(problem.detail).toBe(problem.problem.detail)
    expect(problem.detail).toMatch(/./)
    expect(problem.errors?.map((e: { path: string }) => e.path).sort()).toEqual(expect.arrayContaining(['/year']))
  })

  it('iterates a streaming action', async () => {
    const items: unknown[] = []
    for await (const item of gen.createClient(server.url).countdown!({ from: 2, delayMs: 0 })) items.push(item)
    expect(items).toEqual([{ n: 2, liftoff: false }, { n: 1, liftoff: false }, { n: 0, liftoff: true }])
  })

  it('runs a job and waits for its result', async () => {
    const job = await gen.createClient(server.url).jobs.addBook!({ title: 'Job', year: 2000 })
    expect(await job.result({ intervalMs: 20 })).toMatchObject({ title: 'Job', year: 2000 })
  })

  it('--from reads a served document (a URL) or a file, and refuses what is no OpenAPI document', async () => {
    const fromUrl = join(dir, 'from-url.ts')
    expect(await clientCommand([], { from: `${server.url}/openapi.json`, out: fromUrl })).toBe(0)
    expect(readFileSync(fromUrl, 'utf8')).toContain('addBook(input: AddBookInput, options?: CallOptions): Promise<AddBookOutput>')
    const notOpenApi = join(dir, 'not-openapi.json')
    writeFileSync(notOpenApi, '{"swagger":"2.0"}')
    const refusal = (from: string) => clientCommand([], { from }).then(() => 'accepted', (e: unknown) => (e instanceof CliExit ? `${e.code} ${e.message}` : String(e)))
    expect(await refusal(notOpenApi)).toMatch(/^2 --from: .*not-openapi\.json is not an OpenAPI document/)
    expect(await refusal(join(dir, 'missing.json'))).toMatch(/^2 --from: cannot read .*missing\.json/)
    expect(await refusal(`${server.url}/nothing-here.json`)).toMatch(/^2 --from: cannot read .*HTTP 404/)
  })
})
