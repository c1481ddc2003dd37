import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, type AnyAction } from 'serval'
import { scratchDir, sourcesIn, webApp, webServer } from './support.ts'

const files = scratchDir({
  'pages.ts': '// placeholder',
  'other.ts': '// placeholder',
  'templates/ok.njk': '<p>ok</p>',
  'templates/broken.njk': '<p>{% if x %}never closed</p>',
  'templates/live.njk': '<p>version 1</p>',
  'nested/deep.ts': '// placeholder',
  'nested/templates/deep.njk': '{% extends "base.njk" %}{% block body %}deep{% endblock %}',
  'templates/base.njk': '<main>{% block body %}{% endblock %}</main>',
})
afterAll(() => files.remove())
const file = join(files.dir, 'pages.ts')

async function startupError(actions: Record<string, AnyAction>, settings = {}): Promise<string> {
  const error = await webApp(sourcesIn(file, actions), settings).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the app should not start').toBeInstanceOf(Error)
  return String((error as Error & { detail?: string }).detail ?? (error as Error).message)
}

describe('pages are checked at startup', () => {
  it('a page on an action without GET or POST names the action and file', async () => {
    const detail = await startupError({ wipe: action({ http: 'DELETE', page: { template: 'ok.njk' } }, () => 1) })
    expect(detail).toContain('action "wipe"')
    expect(detail).toContain(file)
    expect(detail).toMatch(/needs an action served with GET/)
    expect(await startupError({ hidden: action({ http: false, page: { template: 'ok.njk' } }, () => 1) })).toContain('action "hidden"')
  })

  it('a missing template names the folder it was looked for in', async () => {
    const detail = await startupError({ nothing: action({ http: 'GET', page: {} }, () => 1) })
    expect(detail).toContain('action "nothing"')
    expect(detail).toContain('nothing.njk')
    expect(detail).toContain(join(files.dir, 'templates'))
  })

  it('two pages on one method and path name both actions', async () => {
    const detail = await startupError({
      one: action({ http: 'GET', page: { path: '/same', template: 'ok.njk' } }, () => 1),
      two: action({ http: 'GET', page: { path: '/same', template: 'ok.njk' } }, () => 2),
    })
    expect(detail).toMatch(/action "two".*GET \/same.*action "one"/)
  })

  it('a path Serval serves itself, or a bad path or template name, is refused', async () => {
    expect(await startupError({ a: action({ http: 'GET', page: { path: '/actions/a', template: 'ok.njk' } }, () => 1) })).toContain('under /actions')
    expect(await startupError({ a: action({ http: 'GET', page: { path: '/static/a', template: 'ok.njk' } }, () => 1) })).toContain('under /static')
    expect(await startupError({ a: action({ http: 'GET', page: { path: 'no-slash', template: 'ok.njk' } }, () => 1) })).toContain('starting with /')
    expect(await startupError({ a: action({ http: 'GET', page: { path: '/a//b', template: 'ok.njk' } }, () => 1) })).toContain('segments')
    expect(await startupError({ a: action({ http: 'GET', page: { template: '../pages.ts' } }, () => 1) })).toContain('page.template')
  })

  it('a streaming action cannot be a page', async () => {
    const detail = await startupError({
      ticks: action({ http: 'GET', page: { template: 'ok.njk' } }, async function* () {
        yield 1
      }),
    })
    expect(detail).toContain('streaming')
  })

  it('a template that does not compile fails startup outside dev mode, naming the file', async () => {
    const detail = await startupError({ a: action({ http: 'GET', page: { template: 'broken.njk' } }, () => 1) })
    expect(detail).toContain(join(files.dir, 'templates', 'broken.njk'))
    expect(detail).toMatch(/does not compile: .*(end of file|endif)/is)
  })

  it('the same GET and POST on one path are two pages, not a clash', async () => {
    const app = await webApp(sourcesIn(file, {
      list: action({ http: 'GET', page: { path: '/book', template: 'ok.njk' } }, () => 1),
      sign: action({ http: 'POST', page: { path: '/book', template: 'ok.njk' } }, () => 2),
    }))
    await app.close()
  })
})

describe('templates', () => {
  it('are found up the folders to the function dir, with extends across them', async () => {
    const server = await webServer(sourcesIn(join(files.dir, 'nested/deep.ts'), { deep: action({ http: 'GET', page: {} }, () => 1) }), { function_dirs: [files.dir] })
    try {
      expect(await (await fetch(`${server.url}/deep`)).text()).toBe('<main>deep</main>')
    } finally {
      await server.close()
    }
  })

  it('reload on every request in dev mode, and stay compiled outside it', async () => {
    const live = { live: action({ http: 'GET', page: {} }, () => 1) }
    const dev = await webServer(sourcesIn(file, live), { dev_mode: true })
    const prod = await webServer(sourcesIn(file, live))
    const text = async (url: string) => (await fetch(`${url}/live`)).text()
    try {
      expect(await text(dev.url)).toBe('<p>version 1</p>')
      expect(await text(prod.url)).toBe('<p>version 1</p>')
      writeFileSync(join(files.dir, 'templates/live.njk'), '<p>version 2</p>')
      expect(await text(dev.url)).toBe('<p>version 2</p>')
      expect(await text(prod.url)).toBe('<p>version 1</p>')
    } finally {
      await Promise.all([dev.close(), prod.close()])
    }
  })

  it('show a render error in full in dev mode only', async () => {
    writeFileSync(join(files.dir, 'templates/call.njk'), '<p>{{ model.fn() }}</p>')
    const dev = await webServer(sourcesIn(file, { call: action({ http: 'GET', page: {} }, () => ({})) }), { dev_mode: true })
    try {
      const res = await fetch(`${dev.url}/call`, { headers: { accept: 'application/json' } })
      expect(res.status).toBe(500)
      expect((await res.json()).detail).toMatch(/Unable to call/)
    } finally {
      await dev.close()
    }
  })
})

describe('a page input', () => {
  it('is coerced from the query like a GET action', async () => {
    writeFileSync(join(files.dir, 'templates/sum.njk'), '{{ model.sum }} {{ input.flag }}')
    const sum = action({ http: 'GET', page: {}, input: z.object({ a: z.number(), b: z.number(), flag: z.boolean().default(false) }), output: z.object({ sum: z.number() }) }, ({ a, b }) => ({ sum: a + b }))
    const server = await webServer(sourcesIn(file, { sum }))
    try {
      expect(await (await fetch(`${server.url}/sum?a=2&b=3&flag=true`)).text()).toBe('5 true')
    } finally {
      await server.close()
    }
  })
})
