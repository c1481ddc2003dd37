// `npm run bench:types`: type-check time of a 200-action client (the
// `typeof api` client, and the standalone one `serval client` writes; target
// < 10 s each) and the startup cost of deriving schemas from types (first
// start, and cached). One run; the lead records numbers on a quiet machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildOpenApi, discoverActions, loadApp, loadSettings } from 'serval'
import { generateClient } from '../src/client/codegen/index.ts'
import { clearMemory } from '../src/types-schema/cache.ts'
import { deriveTypeSchemas } from '../src/types-schema/index.ts'
import { typeCheck } from './lib/extras.ts'
import { GENERATED, generateTypecheckApps } from './lib/generate.ts'

const configs = generateTypecheckApps()
const results: [string, string][] = []
const say = (what: string, value: string) => {
  results.push([what, value])
  console.log(`  ${what}: ${value}`)
}

async function standaloneConfig(): Promise<string> {
  const settings = (await loadSettings({ cli: { log_level: 'silent', data_dir: mkdtempSync(join(tmpdir(), 'serval-bench-')) }, filesOff: true, env: {} })).settings
  const app = await loadApp({ settings, dirs: [join(GENERATED, 'typecheck200')] })
  const dir = join(GENERATED, 'standalone200')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'client.ts'), generateClient(buildOpenApi(app)))
  await app.close()
  const calls = app.registry.list().map((a, j) => {
    const input = a.methods.includes('GET') ? '{ page: 1, size: 10 }' : "{ title: 't', email: 'a@b.c', status: 'draft', amount: 1, tags: [] }"
    return `  const r${j}: { id: number; label: string } = await client.${a.name}(${input})\n  void r${j}`
  })
  writeFileSync(join(dir, 'use.ts'), `import { createClient } from './client.ts'\nconst client = createClient('http://localhost:8000')\nexport async function callAll(): Promise<void> {\n${calls.join('\n')}\n}\n`)
  const tsconfig = join(GENERATED, 'tsconfig.standalone200.json')
  const options = { strict: true, noUncheckedIndexedAccess: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true, lib: ['ES2022', 'DOM', 'DOM.AsyncIterable'], types: [], skipLibCheck: true }
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: options, include: ['standalone200/**/*.ts'] }, null, 2))
  return tsconfig
}

function typedSource(i: number): string {
  const body = Array.from({ length: 10 }, (_, j) =>
    j % 3 === 0
      ? `/** Lists page ${j}. */\nexport const typed${i}Op${j} = action({ http: 'GET' }, async (input: { page: number; size: number; q?: string }) => ({ id: input.page * input.size, label: input.q ?? 'all', count: input.size, ok: true }))`
      : `export const typed${i}Op${j} = action({}, async (input: Draft): Promise<Result> => ({ id: input.amount, label: input.title, count: input.tags.length, ok: input.status !== 'archived' }))`,
  )
  return `import { action } from 'serval'\ninterface Draft { title: string; email: string; status: 'draft' | 'active' | 'archived'; amount: number; tags: string[]; meta?: { source: string; score: number } }\ninterface Result { id: number; label: string; count: number; ok: boolean }\n${body.join('\n')}\n`
}

async function deriveTimes(label: string, dirs: string[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'serval-bench-types-'))
  const sources = await discoverActions(dirs)
  for (const run of ['first start', 'cached']) {
    clearMemory()
    const t0 = performance.now()
    await deriveTypeSchemas(sources, { dataDir, cwd: process.cwd() })
    say(`derive schemas, ${label}, ${run}`, `${(performance.now() - t0).toFixed(1)} ms`)
  }
  rmSync(dataDir, { recursive: true, force: true })
}

console.log('bench:types')
for (const [what, config] of [['200 actions + typeof api client (serval/client)', configs.client200], ['200-operation standalone client (serval client)', await standaloneConfig()]] as const) {
  const t = typeCheck(what, config)
  say(`type-check ${what}`, `${t.seconds.toFixed(1)} s${t.ok ? '' : ` (with errors)\n${t.errors}`}`)
}
await deriveTimes('examples/typed.ts', ['examples/typed.ts'])
const typedDir = join(GENERATED, 'typed200')
rmSync(typedDir, { recursive: true, force: true })
mkdirSync(typedDir, { recursive: true })
for (let i = 0; i < 20; i++) writeFileSync(join(typedDir, `typed${i}.ts`), typedSource(i))
await deriveTimes('200 types-only actions', [typedDir])
