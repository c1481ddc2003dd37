import { relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { discoverActions } from 'serval'
import { findActionFiles } from './discover.ts'

const DIR = 'test/fixtures/discovery'

describe('discovery', () => {
  it('imports .ts, .mjs and .js files, skipping tests, specs, declarations, node_modules and dot-folders', () => {
    const files = findActionFiles(DIR).map((f) => relative(DIR, f))
    expect(files).toEqual(['one.ts', 'sub/three.js', 'sub/two.mjs'])
  })

  it('registers every exported action once, named by export (or `name`), and ignores other exports', async () => {
    const sources = await discoverActions([DIR])
    expect(sources.map((s) => s.exportName).sort()).toEqual(['one', 'three', 'two'])
    const three = sources.find((s) => s.exportName === 'three')
    expect(three?.file).toBe('test/fixtures/discovery/sub/three.js')
  })

  it('names the file that failed to load', async () => {
    await expect(discoverActions(['test/fixtures/discovery/one.test.ts'])).rejects.toThrow(/one\.test\.ts: must not be imported/)
  })
})
