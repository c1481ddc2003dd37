// `serval init`, end to end: generate a project, install Serval into it by
// path (as npm does for `file:`: a symlink), run the project's own `npm test`
// and the `serval` bin from inside it. The installed Serval has a stale
// dist/ and the project has no tsx, so the bin must re-run itself from
// source with the tsx of Serval's own location.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExistingFilesError, initProject } from '../src/init/index.ts'
import { ROOT, runCli, type CliResult } from './support/cli.ts'

const tmp = mkdtempSync(join(tmpdir(), 'serval-init-'))
const pkg = join(tmp, 'serval') // Serval as a dependency: its files, a stale build
const app = join(tmp, 'my-api')
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A copy of this checkout as npm would see it by path, with a dist/ older than src/ (and no write to the checkout). */
function staleServal(): void {
  mkdirSync(join(pkg, 'bin'), { recursive: true })
  copyFileSync(join(ROOT, 'bin/serval.js'), join(pkg, 'bin/serval.js'))
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'))
  symlinkSync(join(ROOT, 'src'), join(pkg, 'src'))
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'))
  mkdirSync(join(pkg, 'dist'))
  for (const entry of readdirSync(join(ROOT, 'dist'))) if (entry !== '.stamp') symlinkSync(join(ROOT, 'dist', entry), join(pkg, 'dist', entry))
  writeFileSync(join(pkg, 'dist/.stamp'), '0')
  utimesSync(join(pkg, 'dist/.stamp'), new Date(0), new Date(0))
}

/** `npm install` by path, reusing this checkout's packages: node_modules/serval is a link to the package, as npm makes it. */
function install(): void {
  const modules = join(app, 'node_modules')
  mkdirSync(join(modules, '.bin'), { recursive: true })
  symlinkSync(pkg, join(modules, 'serval'))
  for (const dep of ['zod', 'vitest', 'typescript', '@types']) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep))
  symlinkSync('../serval/bin/serval.js', join(modules, '.bin/serval'))
  symlinkSync('../vitest/vitest.mjs', join(modules, '.bin/vitest'))
}

/** Runs a command in the project with a clean environment (no vitest or SERVAL_* variables of this run). */
function inApp(command: string, args: string[]): Promise<CliResult> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(SERVAL_|VITEST|NODE_OPTIONS$|npm_)/.test(k)) env[k] = v
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: app, env: { ...env, PATH: `${join(app, 'node_modules/.bin')}:${env.PATH ?? ''}` } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`${command} timed out\n${stdout}\n${stderr}`))), 40_000)
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })))
  })
}

let created: CliResult
beforeAll(async () => {
  staleServal()
  created = await runCli(['init', 'my-api', '--serval', pkg], { cwd: tmp })
  if (created.code === 0) install()
}, 30_000)

describe('serval init', () => {
  it('writes the project and prints the two commands', () => {
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('cd my-api && npm install && npm start')
    expect(created.stdout).toContain('npm test')
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({ name: 'my-api', type: 'module', dependencies: { serval: `file:${pkg}` }, scripts: { start: 'serval serve actions', test: 'vitest run' } })
    expect(Object.keys(manifest.devDependencies)).not.toContain('tsx')
    for (const file of ['actions/hello.ts', 'test/examples.test.ts', 'tsconfig.json', '.gitignore', 'README.md']) expect(existsSync(join(app, file)), file).toBe(true)
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toMatch(/npm install && npm start[\s\S]*npm test/)
  })

  it("the project's own npm test runs the examples and passes", async () => {
    const r = await inApp('npm', ['test'])
    expect(r.stdout + r.stderr).toMatch(/1 passed/)
    expect(r.code).toBe(0)
  })

  it('the serval bin runs from source with its own tsx when dist/ is stale and the project has none', async () => {
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false)
    const r = await inApp('serval', ['run', 'sayHello', '--input', '{"name":"Ada"}'])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual({ message: 'Hello, Ada!' })
  })

  it('refuses to overwrite: exit 2 naming every existing file, nothing written', async () => {
    const again = await runCli(['init', 'my-api'], { cwd: tmp })
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/will not overwrite package\.json, actions\/hello\.ts, test\/examples\.test\.ts, tsconfig\.json, \.gitignore, README\.md/)
    const partial = join(tmp, 'partial')
    mkdirSync(partial)
    writeFileSync(join(partial, 'README.md'), 'mine')
    const error = (() => {
      try {
        initProject(partial)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ExistingFilesError)
    expect((error as ExistingFilesError).files).toEqual(['README.md'])
    expect(readdirSync(partial)).toEqual(['README.md'])
    expect(readFileSync(join(partial, 'README.md'), 'utf8')).toBe('mine')
  })

  it('defaults the serval dependency to the published range and names the package after the folder', () => {
    const dir = join(tmp, 'Other App')
    initProject(dir)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(manifest.name).toBe('other-app')
    expect(manifest.dependencies.serval).toMatch(/^\^\d+\.\d+\.\d+$/)
  })
})
