import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = new URL('..', import.meta.url).pathname
const CORE = ['core', 'app', 'errors', 'schema']

/** Every import specifier of the non-test TypeScript files under `dir`. */
function importsOf(dir: string): { file: string; spec: string }[] {
  return readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(f))
    .flatMap((f) => [...readFileSync(join(SRC, dir, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => ({ file: `${dir}/${f}`, spec: m[1]! })))
}

// The seam STYLE.md asks for: a transport is an adapter over the core, never a dependency of it.
describe('the core knows no transport', () => {
  it('src/core, src/app, src/errors and src/schema import neither Fastify nor the HTTP adapter', () => {
    const offending = CORE.flatMap(importsOf).filter(({ spec }) => /^fastify|^@fastify\/|\/http\//.test(spec))
    expect(offending).toEqual([])
  })

  it('app.ts takes its security from the extensions, not from auth; types.ts needs nothing from app.ts', () => {
    expect(importsOf('app').filter(({ file, spec }) => (file === 'app/app.ts' && spec.includes('/auth/')) || (file === 'app/types.ts' && spec === './app.ts'))).toEqual([])
  })

  it('discovery preloads the public entries by name, never by importing the package root', () => {
    expect(importsOf('discovery').filter(({ spec }) => spec === '../index.ts')).toEqual([])
  })
})
