import { describe, expect, it } from 'vitest'
import { loadExampleCases } from 'serval/testing'

// Every example in examples/ is a test: this is how a user's project does it too.
const cases = await loadExampleCases(['examples'])

describe('examples/', () => {
  it('has examples to run', () => {
    expect(cases.length).toBeGreaterThan(5)
  })
  for (const c of cases) it(c.title, c.run)
})
