import { join } from 'node:path'
import nunjucks from 'nunjucks'
import { isFile } from './folders.ts'

/**
 * The templates of one folder chain: a Nunjucks environment whose search
 * path is each folder's `templates/`, nearest first (so `{% extends %}`
 * and `{% include %}` find the same files the page does). Autoescaping is
 * always on. Outside dev mode each page's template is compiled once at
 * startup and kept; in dev mode every render reads the file again, so an
 * edited template shows on the next request without a restart.
 *
 * @example
 * ```ts
 * const set = new TemplateSet(['/abs/examples/web', '/abs/examples'], { dev: false })
 * set.render('guestbook.njk', { model })
 * ```
 */
export class TemplateSet {
  readonly searchPaths: readonly string[]
  readonly #env: nunjucks.Environment

  constructor(folders: readonly string[], options: { dev: boolean }) {
    this.searchPaths = folders.map((f) => join(f, 'templates'))
    const loader = new nunjucks.FileSystemLoader([...this.searchPaths], { noCache: options.dev })
    this.#env = new nunjucks.Environment(loader, { autoescape: true })
  }

  /** The file a template name resolves to, nearest folder first; undefined when none has it. */
  find(name: string): string | undefined {
    for (const dir of this.searchPaths) {
      const file = join(dir, name)
      if (isFile(file)) return file
    }
    return undefined
  }

  /** Compiles a template now (and keeps it, outside dev mode): a syntax error surfaces at startup. */
  compile(name: string): void {
    this.#env.getTemplate(name, true)
  }

  /** Renders a template with a context; throws what Nunjucks throws. */
  render(name: string, context: object): string {
    return this.#env.render(name, context)
  }
}

/**
 * Keeps one `TemplateSet` per folder chain, so pages of one folder share
 * their compiled templates.
 *
 * @example
 * ```ts
 * const sets = new TemplateSets({ dev: app.settings.dev_mode })
 * sets.for(['/abs/examples/web', '/abs/examples'])
 * ```
 */
export class TemplateSets {
  readonly #sets = new Map<string, TemplateSet>()
  readonly #dev: boolean

  constructor(options: { dev: boolean }) {
    this.#dev = options.dev
  }

  for(folders: readonly string[]): TemplateSet {
    const key = folders.join('\0')
    let set = this.#sets.get(key)
    if (!set) this.#sets.set(key, (set = new TemplateSet(folders, { dev: this.#dev })))
    return set
  }
}
