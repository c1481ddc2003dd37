import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { discoverActions } from 'serval'
import { derivationStats, deriveTypeSchemas } from '../../src/types-schema/index.ts'
import { clearMemory } from '../../src/types-schema/cache.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'serval-types-worker-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

// The compiler and its program are tens of MB of heap that a process keeps once it has them:
// a first start would idle far above a cached one. They belong to a worker thread, gone once it answers.
it('derives schemas from types without loading the TypeScript compiler into the calling thread', async () => {
  clearMemory()
  const before = derivationStats.programs
  const sources = await deriveTypeSchemas(await discoverActions(['test/fixtures/typed']), { dataDir, cwd: process.cwd() })
  expect(derivationStats.programs).toBe(before + 1) // a derivation, not a cache hit
  expect(sources.some((s) => s.action.def.input !== undefined)).toBe(true)
  const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /[\\/]node_modules[\\/]typescript[\\/]lib[\\/]/.test(f)) // its package.json is read for the version, not the compiler
  expect(loaded).toEqual([])
})
