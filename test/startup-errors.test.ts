// Startup errors that teach: each names the file or setting at fault and
// says the fix, on one line with no stack, and exits non-zero. One real
// `serval` process per case (the exit code is the behaviour), all at once.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runCli, type CliResult } from './support/cli.ts'

// A project with no "type": "module" anywhere above it (so not under this repository).
const commonjs = mkdtempSync(join(tmpdir(), 'serval-cjs-'))
mkdirSync(join(commonjs, 'actions'))
mkdirSync(join(commonjs, 'node_modules'))
symlinkSync(ROOT, join(commonjs, 'node_modules/serval'))
copyFileSync(join(ROOT, 'test/fixtures/dup/a.ts'), join(commonjs, 'actions/a.ts'))

let busy: Server
let busyPort = 0
const results = new Map<string, CliResult>()

const cases: Record<string, () => string[] | [string[], string]> = {
  'not a module': () => [['run', 'same'], commonjs],
  'no actions': () => ['serve', 'test/fixtures/no-actions', '--port', '0'],
  'duplicate name': () => ['serve', 'test/fixtures/dup', '--port', '0'],
  'bad schema': () => ['serve', 'test/fixtures/bad-schema', '--port', '0'],
  'bad setting': () => ['serve', 'examples', '--port', '70000'],
  'port in use': () => ['serve', 'test/fixtures/dup/a.ts', '--port', String(busyPort), '--workers', '0'],
  'missing redis': () => ['serve', 'test/fixtures/dup/a.ts', '--port', '0', '--redis-url', 'redis://127.0.0.1:1'],
}

beforeAll(async () => {
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  busyPort = (busy.address() as { port: number }).port
  const runs = Object.entries(cases).map(async ([name, make]) => {
    const made = make()
    const [args, cwd] = Array.isArray(made[0]) ? (made as [string[], string]) : [made as string[], ROOT]
    results.set(name, await runCli(args, { timeoutMs: 30_000, cwd }))
  })
  await Promise.all(runs)
}, 40_000)
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()))
  rmSync(commonjs, { recursive: true, force: true })
})

/** The one `serval:` line, with no stack trace under it. */
function line(name: string): string {
  const r = results.get(name)!
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('serval:'))
  expect(r.stderr).not.toMatch(/^\s+at /m)
  expect(lines).toHaveLength(1)
  return lines[0]!
}

describe('startup errors', () => {
  it('a function dir with no actions: names the dir and its files, says what to export and which setting', () => {
    expect(results.get('no actions')!.code).toBe(1)
    expect(line('no actions')).toMatch(/No actions found in test\/fixtures\/no-actions: loaded test\/fixtures\/no-actions\/helpers\.ts, none of which exports an action\. Export one .*function_dirs/)
  })

  it('an action file loaded as CommonJS: says to add "type": "module"', () => {
    expect(results.get('not a module')!.code).toBe(1)
    expect(line('not a module')).toMatch(/Cannot load actions\/a\.ts: .*add "type": "module" to the package\.json of the project/)
  })

  it('a duplicate name: both files, and the fix', () => {
    expect(results.get('duplicate name')!.code).toBe(1)
    expect(line('duplicate name')).toMatch(/Duplicate action name "same": defined in test\/fixtures\/dup\/a\.ts as same and in test\/fixtures\/dup\/b\.ts as same; rename one export/)
  })

  it("a bad schema: the action, the file and Ajv's message", () => {
    expect(results.get('bad schema')!.code).toBe(1)
    expect(line('bad schema')).toMatch(/action "broken" \(in test\/fixtures\/bad-schema\/broken\.ts\): the input schema does not compile: .*must be equal to one of the allowed values.*fix the `input` schema/)
  })

  it('a bad setting: the flag, the allowed values, the value and where it came from; exit 2', () => {
    expect(results.get('bad setting')!.code).toBe(2)
    expect(line('bad setting')).toBe('serval: --port: must be from 0 to 65535, got "70000" (setting port, from flag --port)')
  })

  it('a port in use: says so and how to fix it; exit 1', () => {
    expect(results.get('port in use')!.code).toBe(1)
    expect(line('port in use')).toBe(`serval: port ${busyPort} is in use (127.0.0.1:${busyPort}); pass --port (or set SERVAL_PORT) or stop the other process`)
  })

  it('a missing Redis: names redis_url and its value, the fix and serval doctor', () => {
    expect(results.get('missing redis')!.code).toBe(1)
    expect(line('missing redis')).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(redis_url\): .*unset it to keep jobs in data_dir; `serval doctor` checks it/)
  })
})
