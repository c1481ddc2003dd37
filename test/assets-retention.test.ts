import { existsSync, statSync, utimesSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { action, asset, file, loadSettings, SettingsError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { eventually } from './support/redis.ts'

const HOUR_MS = 3_600_000
const png = new Uint8Array([137, 80, 78, 71, 1])
const actions = [
  action({ name: 'chart', http: 'GET' }, (input: { n?: number }) => ({ image: asset(new Uint8Array([input.n ?? 0]), 'image/png') })),
  action({ name: 'picture', http: 'GET', store: true }, () => file(png, 'image/png')),
  action({ name: 'same', http: 'GET' }, () => ({ image: asset(png, 'image/png') })),
].map((a) => ({ action: a, exportName: a.def.name! }))

/** The file that holds an asset's bytes, from its href. */
function assetFile(t: TestServer, href: string): string {
  return join(resolve(t.app.cwd, t.app.settings.data_dir), 'assets', href.split('/assets/')[1]!)
}

/** Makes an asset look last referred to `ms` ago (the store keeps that time on the file). */
function age(path: string, ms: number): void {
  const then = new Date(Date.now() - ms)
  utimesSync(path, then, then)
}

describe('assets_retention_s', () => {
  it('serves a fresh asset and answers an expired one with a 404 problem, removing its files', async () => {
    const t = await createTestServer({ actions }, { assets_retention_s: 3600 })
    try {
      const { image } = await (await t.fetch('/actions/chart?n=1')).json()
      expect((await fetch(image.href)).status).toBe(200)
      age(assetFile(t, image.href), 2 * HOUR_MS)
      const gone = await fetch(image.href)
      expect(gone.status).toBe(404)
      expect(gone.headers.get('content-type')).toContain('application/problem+json')
      expect([existsSync(assetFile(t, image.href)), existsSync(`${assetFile(t, image.href)}.type`)]).toEqual([false, false])
    } finally {
      await t.close()
    }
  })

  it('starts the clock again when an answer refers to the asset again', async () => {
    const t = await createTestServer({ actions }, { assets_retention_s: 3600 })
    try {
      const { image } = await (await t.fetch('/actions/chart?n=2')).json()
      age(assetFile(t, image.href), 0.9 * HOUR_MS)
      await t.fetch('/actions/chart?n=2')
      expect(statSync(assetFile(t, image.href)).mtimeMs).toBeGreaterThan(Date.now() - 0.5 * HOUR_MS)
    } finally {
      await t.close()
    }
  })

  it('keeps the asset of a stored result at least as long as the result', async () => {
    const t = await createTestServer({ actions }, { assets_retention_s: 60, results_retention_s: 86_400 })
    try {
      const location = (await t.fetch('/actions/picture')).headers.get('location')!
      const keptUntil = () => statSync(assetFile(t, location)).mtimeMs + 60_000
      expect(keptUntil()).toBeGreaterThan(Date.now() + 86_400_000 - HOUR_MS)
      // A plain answer with the same bytes does not shorten it.
      await t.fetch('/actions/same')
      expect(keptUntil()).toBeGreaterThan(Date.now() + 86_400_000 - HOUR_MS)
      expect((await fetch(location)).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('sweeps expired assets from data_dir while the server runs, keeping fresh ones', async () => {
    const t = await createTestServer({ actions }, { assets_retention_s: 20 }) // a sweep every 2 s
    try {
      const old = (await (await t.fetch('/actions/chart?n=3')).json()).image.href
      const fresh = (await (await t.fetch('/actions/chart?n=4')).json()).image.href
      age(assetFile(t, old), HOUR_MS)
      // The bytes go first, then the type: wait for both, or a poll between the two unlinks sees half a removal.
      const gone = () => !existsSync(assetFile(t, old)) && !existsSync(`${assetFile(t, old)}.type`)
      await eventually(() => (gone() ? true : undefined), 'the sweep removes the expired asset and its type', 8000)
      expect(existsSync(assetFile(t, fresh))).toBe(true)
    } finally {
      await t.close()
    }
  }, 15_000)

  it('keeps assets forever with 0, and refuses a negative value', async () => {
    const t = await createTestServer({ actions }, { assets_retention_s: 0 })
    try {
      const { image } = await (await t.fetch('/actions/chart?n=5')).json()
      age(assetFile(t, image.href), 1000 * HOUR_MS)
      expect((await fetch(image.href)).status).toBe(200)
    } finally {
      await t.close()
    }
    const error = await loadSettings({ env: { SERVAL_ASSETS_RETENTION_S: '-1' }, filesOff: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as Error).message).toContain('SERVAL_ASSETS_RETENTION_S')
  })
})
