// Users' TypeScript files load as cached esbuild builds (src/discovery/ts-cache.ts),
// or through tsx where the cache does not apply: either way a file next to an
// action resolves, relative imports between TypeScript files work, and stack
// traces name the TypeScript source. One real `serval` process (from dist) per run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, exited, runCli, startCli, waitForLine } from '../support/cli.ts'

const project = mkdtempSync(join(tmpdir(), 'serval-test-ts-cache-'))
const write = (rel: string, text: string) => writeFileSync(join(project, rel), text)
const builds = join(project, 'node_modules/.cache/serval/ts')
const wordFile = (word: string) => `export const word: string = '${word}'\nexport const token = {}\n`

beforeAll(() => {
  mkdirSync(join(project, 'actions'))
  mkdirSync(join(project, 'lib')) // outside the function dir: built only as an import of an action file
  mkdirSync(join(project, 'node_modules'))
  symlinkSync(ROOT, join(project, 'node_modules/serval'))
  symlinkSync(join(ROOT, 'node_modules/zod'), join(project, 'node_modules/zod'))
  write('package.json', '{ "type": "module" }\n')
  write('tsconfig.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }))
  write('actions/greeting.txt', 'hello from a file\n')
  write('lib/word.ts', wordFile('one'))
  write(
    'actions/files.ts',
    [
      "import { readFileSync } from 'node:fs'",
      "import { join } from 'node:path'",
      "import { action } from 'serval'",
      "import { z } from 'zod'",
      "import { token, word } from '../lib/word.js'",
      "import { token as aliased } from '@lib/word.ts'",
      'const out = z.object({ byUrl: z.string(), byDir: z.string(), word: z.string() })',
      'export const files = action({ input: z.object({}), output: out }, () => ({',
      "  byUrl: readFileSync(new URL('./greeting.txt', import.meta.url), 'utf8').trim(),",
      "  byDir: readFileSync(join(import.meta.dirname, 'greeting.txt'), 'utf8').trim(),",
      "  word: aliased === token ? word : 'two copies of lib/word.ts',",
      '}))',
      '',
    ].join('\n'),
  )
  // The stack is taken on line 4 of this file.
  write('actions/trace.ts', "import { action } from 'serval'\nimport { z } from 'zod'\ninterface Padding { a: number }\nexport const trace = action({ input: z.object({}), output: z.string() }, () => new Error('here').stack ?? '')\n")
})

afterAll(() => rmSync(project, { recursive: true, force: true }))

const run = (name: string, env: Record<string, string> = {}) => runCli(['run', name, 'actions'], { cwd: project, env, timeoutMs: 30_000 })
const output = async (name: string, env: Record<string, string> = {}) => {
  const r = await run(name, env)
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as unknown
}

describe.each([
  ['cached builds', {}],
  ['the tsx loader (SERVAL_TS_CACHE=off)', { SERVAL_TS_CACHE: 'off' }],
])("users' TypeScript through %s", (_how, env: Record<string, string>) => {
  it('resolves a file next to an action by import.meta.url and import.meta.dirname, a relative .ts import and a tsconfig paths alias (one module)', async () => {
    expect(await output('files', env)).toEqual({ byUrl: 'hello from a file', byDir: 'hello from a file', word: 'one' })
  })

  it('names the TypeScript file and line in a stack trace', async () => {
    expect(await output('trace', env)).toMatch(/actions\/trace\.ts:4:\d+/)
  })
})

describe('the build cache', () => {
  it('writes builds under node_modules/.cache/serval/ts, and rebuilds an imported file after it changed', async () => {
    expect(((await output('files')) as { word: string }).word).toBe('one')
    expect(readdirSync(builds).some((f) => f.startsWith('word-'))).toBe(true)
    write('lib/word.ts', wordFile('two'))
    expect(((await output('files')) as { word: string }).word).toBe('two')
  })

  it('reports a syntax error naming the file, line and column, with no stack', async () => {
    write('actions/broken.ts', "import { action } from 'serval'\nexport const broken = action({}, () => (\n")
    try {
      const r = await run('files')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^serval: Cannot load actions\/broken\.ts: actions\/broken\.ts:3:1: Unexpected end of file$/m)
      expect(r.stderr).not.toMatch(/^\s+at /m)
    } finally {
      rmSync(join(project, 'actions/broken.ts'))
    }
  })

  it('is not written when SERVAL_TS_CACHE=off', async () => {
    rmSync(builds, { recursive: true, force: true })
    await output('files', { SERVAL_TS_CACHE: 'off' })
    expect(existsSync(builds) && readdirSync(builds).length > 0).toBe(false)
  })
})

describe('serval dev over cached builds', () => {
  let child: ChildProcess | undefined
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  it('reloads a changed imported TypeScript file in place', async () => {
    // The watcher watches the function dir, so the imported file lives there too (and is an entry of its own).
    write('actions/said.ts', "export const said: string = 'three'\n")
    write('actions/say.ts', "import { action } from 'serval'\nimport { z } from 'zod'\nimport { said } from './said.ts'\nexport const say = action({ input: z.object({}), output: z.string(), http: 'GET' }, () => said)\n")
    child = startCli(['dev', 'actions', '--port', '0', '--data-dir', join(project, 'data')], { cwd: project })
    const url = /Serval dev on (http:\/\/[^ ]+)/.exec(await waitForLine(child, /Serval dev on/))![1]!
    const say = async () => (await fetch(`${url}/actions/say`)).json()
    expect(await say()).toBe('three')
    expect(readdirSync(builds).some((f) => f.startsWith('said-'))).toBe(true)
    const reloaded = waitForLine(child, /reloaded app in \d+ ms/)
    write('actions/said.ts', "export const said: string = 'four'\n")
    await reloaded
    expect(await say()).toBe('four')
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
  }, 40_000)
})
