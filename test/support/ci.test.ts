import { describe, expect, it } from 'vitest'
import { isCI } from './ci.ts'

describe('isCI', () => {
  it.each(['true', '1', 'yes', 'TRUE', 'Yes', 'on', ' 1 '])('CI=%j is CI', (value) => {
    expect(isCI({ CI: value })).toBe(true)
  })

  it.each([undefined, '', '0', 'false', 'no', 'off', 'nope'])('CI=%j is not CI', (value) => {
    expect(isCI({ CI: value })).toBe(false)
  })
})
