import { printSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import { createApp } from 'serval'
import { buildGraphqlSchema } from '../../src/graphql/index.ts'
import { actions } from './fixture.ts'

describe('GraphQL schema from the registry', () => {
  it('maps every JSON Schema kind as SPEC §9 says, sharing identical types', async () => {
    const app = await createApp({ actions })
    try {
      expect(printSchema(await buildGraphqlSchema(app))).toMatchSnapshot()
    } finally {
      await app.close()
    }
  })
})
