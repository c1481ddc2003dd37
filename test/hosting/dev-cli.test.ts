import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { exited, startCli, waitForLine } from '../support/cli.ts'
import { SERVAL, scratch, ZOD } from './support.ts'

// `serval dev` itself: one process, reloading in place. A change in a file
// the actions import (not only in an action file) reaches the new
// generation: the import hook passes the generation down the graph (but
// never to Serval itself).
const dir = scratch('dev-cli')
let child: ChildProcess
let url: string

beforeAll(async () => {
  dir.write('package.json', '{ "type": "module" }\n')
  dir.write('lib.ts', "export const word = 'one'\n")
  dir.write('which.ts', `import { action } from '${SERVAL}'\nimport { z } from '${ZOD}'\nimport { word } from './lib.ts'\nexport const which = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => word)\n`)
  // Serval is shared by every generation, even when it is not under node_modules (here: the repository's
  // src/): a re-imported copy would have its own ActionError class, which the pipeline would not recognise (a 500).
  dir.write(
    'refuse.ts',
    `import * as serval from '${SERVAL}'\nimport { word } from './lib.ts'\nconst g = globalThis as any\n(g.copies ??= new Set()).add(serval)\nexport const refuse = serval.action({ http: 'GET' }, async () => { throw new serval.ActionError(409, word + ' ' + g.copies.size) })\n`,
  )
  child = startCli(['dev', dir.root, '--port', '0', '--data-dir', dir.path('data')], { fromSource: true })
  url = /Serval dev on (http:\/\/[^ ]+)/.exec(await waitForLine(child, /Serval dev on/))![1]!
}, 30_000)

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL')
  dir.cleanup()
})

const which = async () => (await fetch(`${url}/actions/which`)).json()

describe('serval dev', () => {
  it('reloads a changed dependency in the same process, keeps serving through a broken file, and exits 0 on SIGTERM', async () => {
    expect(await which()).toBe('one')
    const reloaded = waitForLine(child, /reloaded app in \d+ ms/)
    dir.write('lib.ts', "export const word = 'two'\n")
    await reloaded
    expect(await which()).toBe('two')
    const refused = await fetch(`${url}/actions/refuse`)
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { detail: string }).detail).toBe('two 1')
    const failed = waitForLine(child, /reload failed.*lib\.ts/)
    dir.write('lib.ts', 'export const word = \n')
    await failed
    expect(await which()).toBe('two')
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
  }, 30_000)
})
