import { describe, expect, it } from 'vitest'
import { hashPassword, passwordHashKind, verifyPassword } from './passwords.ts'

describe('passwords', () => {
  it('hashes with argon2id by default, or scrypt, and verifies only the right password', async () => {
    const argon = await hashPassword('correct horse')
    expect(passwordHashKind(argon)).toBe('argon2id')
    expect(await verifyPassword(argon, 'correct horse')).toBe(true)
    expect(await verifyPassword(argon, 'correct horsE')).toBe(false)
    const scrypt = await hashPassword('correct horse', 'scrypt')
    expect(scrypt).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/)
    expect(passwordHashKind(scrypt)).toBe('scrypt')
    expect(await verifyPassword(scrypt, 'correct horse')).toBe(true)
    expect(await verifyPassword(scrypt, 'wrong')).toBe(false)
    expect(await hashPassword('correct horse', 'scrypt')).not.toBe(scrypt) // a new salt each time
  })

  it('reads the cost from the stored scrypt hash', async () => {
    // A hash made with other costs than ours (ln=10, r=4, p=2) verifies with its own costs.
    const { scryptSync } = await import('node:crypto')
    const salt = Buffer.from('saltsaltsaltsalt')
    const key = scryptSync('pw', salt, 32, { N: 1024, r: 4, p: 2 })
    const stored = `$scrypt$ln=10,r=4,p=2$${salt.toString('base64')}$${key.toString('base64')}`
    expect(await verifyPassword(stored, 'pw')).toBe(true)
    expect(await verifyPassword(stored.replace('p=2', 'p=1'), 'pw')).toBe(false)
  })

  it('knows no other format, and verifies nothing against one', async () => {
    for (const text of ['', 'plain', '$2b$12$abcdefghijklmnopqrstuv', '$scrypt$ln=15,r=8,p=1$short$short', '$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', ' $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA']) {
      expect(passwordHashKind(text), text).toBeUndefined()
      expect(await verifyPassword(text, 'plain'), text).toBe(false)
    }
    expect(passwordHashKind('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe('argon2id')
  })
})
