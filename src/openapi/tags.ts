import { readFileSync } from 'node:fs'
import { basename, extname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { firstSentence } from './summary.ts'

type Json = Record<string, any>

/** A tag and the description the docs UI shows under it. */
export interface TagInfo {
  readonly name: string
  readonly description?: string
}

/**
 * The tag of an action's operations: the folder under a function dir it
 * lives in (`auth/login.ts` → `auth`), or its file's name at the top
 * (`hello.ts` → `hello`); `actions` for one defined in code. The
 * description is the first sentence of the module comment of the file (of
 * `index.ts` for a folder; the docs UI shows it on the tag's one line), else
 * the file or folder name.
 *
 * @example
 * ```ts
 * tagOf(app, app.registry.get('sayHello')!) // { name: 'hello', description: 'The tour starts here: …' }
 * ```
 */
export function tagOf(app: App, action: CompiledAction): TagInfo {
  if (!action.file) return { name: 'actions' }
  const file = resolve(app.cwd, action.file)
  const dir = app.settings.function_dirs.map((d) => resolve(app.cwd, d)).find((d) => inside(d, file))
  const rel = dir === undefined || dir === file ? basename(file) : relative(dir, file)
  const [first, ...rest] = rel.split(sep)
  if (rest.length && first) return { name: first, description: moduleComment(resolve(dir!, first, 'index.ts')) ?? moduleComment(file) ?? `${first}/` }
  return { name: basename(rel, extname(rel)), description: moduleComment(file) ?? basename(rel) }
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

const cache = new Map<string, string | undefined>()

/**
 * The comment a module starts with: a JSDoc block followed by an import or
 * a blank line (not the JSDoc of the first export), or leading `//` lines up
 * to the first indented one (examples of commands) or blank line.
 */
export function moduleComment(file: string): string | undefined {
  if (!cache.has(file)) cache.set(file, oneLine(readComment(file)))
  return cache.get(file)
}

/** The first sentence, its period kept: a tag's description is a sentence, an operation's summary a title. */
function oneLine(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined
  const sentence = firstSentence(comment)
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
}

function readComment(file: string): string | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8').replace(/^#!.*\n/, '').trimStart()
  } catch {
    return undefined
  }
  const block = /^\/\*\*([\s\S]*?)\*\/[ \t]*\n(\s*\n|\s*import\b)/.exec(text)
  if (block?.[1] !== undefined) return jsdocText(block[1])
  const lines: string[] = []
  for (const line of text.split('\n')) {
    const m = /^\/\/ ?(.*)$/.exec(line)
    if (!m || m[1] === undefined || /^\s/.test(m[1]) || !m[1].trim()) break
    lines.push(m[1].trim())
  }
  return lines.length ? lines.join(' ') : undefined
}

function jsdocText(body: string): string | undefined {
  const lines = body.split('\n').map((l) => l.replace(/^\s*\* ?/, ''))
  const end = lines.findIndex((l) => l.trimStart().startsWith('@'))
  const text = (end === -1 ? lines : lines.slice(0, end)).join('\n').trim()
  return text || undefined
}

/**
 * Lists every tag the operations use once: the actions' tags first, in
 * first-use order, then the extensions' (`system`, `jobs`), then any other.
 * An extension's description wins over a file's of the same name, as its
 * operations are the ones that share the tag.
 *
 * @example
 * ```ts
 * collectTags(doc, [{ name: 'hello', description: 'Greetings' }]) // doc.tags = [{ name: 'hello', … }, { name: 'system', … }]
 * ```
 */
export function collectTags(doc: Json, fromActions: readonly TagInfo[]): void {
  const fromExtensions = (doc.tags ?? []) as TagInfo[]
  const described = new Map<string, TagInfo>()
  for (const tag of [...fromExtensions, ...fromActions]) if (tag.description && !described.has(tag.name)) described.set(tag.name, tag)
  const used = new Set<string>()
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const op of Object.values((item ?? {}) as Json)) for (const tag of (op?.tags ?? []) as string[]) used.add(tag)
  }
  const order = new Set([...fromActions.map((t) => t.name), ...fromExtensions.map((t) => t.name), ...used])
  doc.tags = [...order].filter((name) => used.has(name)).map((name) => described.get(name) ?? { name })
}
