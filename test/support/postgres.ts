import pg from 'pg'
import { isCI } from './ci.ts'

export const DATABASE_URL = process.env.SERVAL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Whether PostgreSQL answers. Under CI a missing database fails the suite;
 * elsewhere the PostgreSQL tests are skipped with a loud warning.
 */
export async function postgresAvailable(suite: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch (error) {
    if (isCI()) throw new Error(`${suite}: PostgreSQL is required under CI (CI=${process.env.CI}) but ${DATABASE_URL} does not answer: ${(error as Error).message}`)
    console.warn(`\n!!! SKIPPING ${suite}: no PostgreSQL at ${DATABASE_URL} (${(error as Error).message}). Start one, or set SERVAL_TEST_DATABASE_URL. !!!\n`)
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}
