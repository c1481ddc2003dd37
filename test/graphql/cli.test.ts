import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadSettings, SettingsError } from '../../src/config/index.ts'
import { runCli } from '../support/cli.ts'

describe('serval graphql-schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serval-gql-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints the SDL of the examples', async () => {
    const r = await runCli(['graphql-schema', 'examples'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatchSnapshot()
  })

  it('writes it to --out', async () => {
    const out = join(dir, 'schema.graphql')
    const r = await runCli(['graphql-schema', '--out', out, 'examples'])
    expect(r.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^type Query \{/)
  })

  it('exits 2 naming --out when it cannot write there', async () => {
    const r = await runCli(['graphql-schema', '--out', join(dir, 'missing', 'schema.graphql'), 'examples'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--out: cannot write .*no directory/)
  })
})

describe('GraphQL settings', () => {
  it.each([
    [{ SERVAL_GRAPHQL_MAX_DEPTH: '0' }, 'SERVAL_GRAPHQL_MAX_DEPTH'],
    [{ SERVAL_GRAPHQL_MAX_DEPTH: 'deep' }, 'SERVAL_GRAPHQL_MAX_DEPTH'],
    [{ SERVAL_GRAPHQL_MAX_COST: '-5' }, 'SERVAL_GRAPHQL_MAX_COST'],
    [{ SERVAL_GRAPHQL_INTROSPECTION: 'maybe' }, 'SERVAL_GRAPHQL_INTROSPECTION'],
    [{ SERVAL_GRAPHIQL: 'sometimes' }, 'SERVAL_GRAPHIQL'],
  ])('rejects a bad value naming it (%j)', async (env, origin) => {
    const error = await loadSettings({ filesOff: true, env }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as SettingsError).message).toContain(origin)
  })

  it('defaults to depth 10, cost 1000, no introspection, no GraphiQL', async () => {
    const { settings } = await loadSettings({ filesOff: true, env: {} })
    expect([settings.graphql_max_depth, settings.graphql_max_cost, settings.graphql_introspection, settings.graphiql]).toEqual([10, 1000, false, false])
  })
})
