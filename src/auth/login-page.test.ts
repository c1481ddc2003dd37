import { describe, expect, it } from 'vitest'
import { bodyField } from './body-field.ts'
import { escapeHtml, loginPage } from './login-page.ts'

describe('loginPage', () => {
  it('is a form posting username, password and next to /auth/login, or to the action given', () => {
    const html = loginPage({ next: '/reports' })
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/)
    expect(html).toContain('<form method="post" action="/auth/login">')
    expect(html).toContain('<input name="username" autocomplete="username" required autofocus>')
    expect(html).toContain('<input name="password" type="password" autocomplete="current-password" required>')
    expect(html).toContain('<input type="hidden" name="next" value="/reports">')
    expect(html).not.toContain('role="alert"')
    expect(html).toContain('<h1>Log in</h1>\n\n<label>Username')
    expect(loginPage({ next: '/', action: '/billing/auth/login' })).toContain('<form method="post" action="/billing/auth/login">')
  })

  it('says why the last attempt failed, in words, for each error code; any other code is a generic failure', () => {
    const says = (error: string) => /<p class="error" role="alert">(.*)<\/p>/.exec(loginPage({ next: '/', error }))?.[1]
    expect(says('credentials')).toBe('Wrong username or password.')
    expect(says('throttled')).toBe('Too many wrong passwords: wait a moment and try again.')
    expect(says('invalid')).toBe('Enter a username and a password.')
    expect(says('<script>')).toBe('Login failed.')
    expect(says('constructor')).toBe('Login failed.')
  })

  it('escapes next and the action', () => {
    const html = loginPage({ next: '/a?b=1&c="2"', action: '/x"><script>' })
    expect(html).toContain('value="/a?b=1&#38;c=&#34;2&#34;"')
    expect(html).toContain('action="/x&#34;&#62;&#60;script&#62;"')
    expect(html).not.toContain('<script>')
  })
})

describe('escapeHtml', () => {
  it('escapes every character that could end a text or a quoted attribute, and only those', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&#38;&#60;&#62;&#34;&#39;&#96;')
    expect(escapeHtml('a & b & c')).toBe('a &#38; b &#38; c')
    expect(escapeHtml('plain /path?x=1 é')).toBe('plain /path?x=1 é')
  })
})

describe('bodyField', () => {
  it('reads a string field of a JSON or form body; the first value of a repeated one', () => {
    expect(bodyField({ username: 'ada' }, 'username')).toBe('ada')
    expect(bodyField({ username: ['ada', 'bob'] }, 'username')).toBe('ada')
    expect(bodyField({ username: '' }, 'username')).toBe('')
  })

  it('is undefined for a missing or non-string field, a non-object body, or an inherited name', () => {
    expect(bodyField({}, 'username')).toBeUndefined()
    expect(bodyField({ next: 3 }, 'next')).toBeUndefined()
    expect(bodyField({ next: [3, '/x'] }, 'next')).toBeUndefined()
    expect(bodyField({ next: [] }, 'next')).toBeUndefined()
    expect(bodyField(null, 'next')).toBeUndefined()
    expect(bodyField('next=/x', 'next')).toBeUndefined()
    expect(bodyField(undefined, 'next')).toBeUndefined()
    expect(bodyField({}, 'constructor')).toBeUndefined()
    expect(bodyField(Object.create({ next: '/inherited' }), 'next')).toBeUndefined()
  })
})
