import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

// The client runs in browsers and other services: it must not pull the server in.
it("serval/client's import graph is its own folder and kebabCase, nothing of the server", async () => {
  const entry = fileURLToPath(new URL('./index.ts', import.meta.url))
  const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform: 'neutral', logLevel: 'silent' })
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const inputs = Object.keys(result.metafile.inputs).map((p) => p.replace(root, '')).sort()
  expect(inputs.every((p) => p.startsWith('src/client/') || p.startsWith('src/action/'))).toBe(true)
  expect(inputs.filter((p) => p.startsWith('src/action/'))).toEqual(['src/action/define.ts', 'src/action/types.ts'])
  expect(inputs.some((p) => /node_modules|fastify|ajv|pino/.test(p))).toBe(false)
  // Small enough for a browser bundle.
  expect(result.outputFiles[0]?.text.length).toBeLessThan(20_000)
})
