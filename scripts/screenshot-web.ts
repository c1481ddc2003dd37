// npm run screenshot:web [-- out.png]: serves examples/web on a free port, signs the
// guestbook once through its HTML form, and has headless Chromium (the Debian
// package `chromium`) photograph /guestbook. Not part of the test suite: a fresh
// CI machine has no Chromium (npm ci does not bring one), and a browser start
// costs seconds the suite does not have. Exits 1, saying why, without Chromium.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createTestServer } from 'serval/testing'

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const out = resolve(process.argv[2] ?? 'web-screenshot.png')
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47])

if (!existsSync(CHROMIUM)) {
  console.error(`screenshot:web: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path)`)
  process.exit(1)
}

const server = await createTestServer({ dirs: ['examples/web'] })
const profile = mkdtempSync(join(tmpdir(), 'serval-chromium-'))
try {
  const form = new URLSearchParams({ name: 'Grace', message: 'Pages from the same actions: no JavaScript needed.' })
  await server.fetch('/guestbook', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  await promisify(execFile)(CHROMIUM, [...flags, `--user-data-dir=${profile}`, `--screenshot=${out}`, '--window-size=1000,700', `${server.url}/guestbook`], { timeout: 60_000 })
  if (!readFileSync(out).subarray(0, 4).equals(PNG_MAGIC)) throw new Error(`${out} is not a PNG`)
  console.log(`screenshot:web: wrote ${out}`)
} finally {
  rmSync(profile, { recursive: true, force: true })
  await server.close()
}
