import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { folderChain } from './folders.ts'
import type { TemplateSet, TemplateSets } from './templates.ts'

/** The methods a page answers: what an HTML form can send. */
export type PageMethod = 'GET' | 'POST'

/**
 * A page, checked at startup: where it is served, and the template it renders.
 *
 * @example
 * ```ts
 * const pages = collectPages(app, new TemplateSets({ dev: false }))
 * pages[0]?.path // '/guestbook'
 * ```
 */
export interface PageSpec {
  readonly action: CompiledAction
  readonly path: string
  readonly methods: readonly PageMethod[]
  readonly template: string
  readonly templates: TemplateSet
  /** `error.njk` is somewhere on the page's template path. */
  readonly hasErrorTemplate: boolean
}

// Paths other capabilities own: a page there would shadow them, or be shadowed.
const RESERVED = ['/actions', '/static', '/_sys', '/jobs', '/results', '/assets', '/auth', '/docs', '/openapi.json', '/asyncapi.json', '/graphql', '/graphiql', '/ws', '/channels']
const SEGMENT = /^(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+)$/

/**
 * Every action's `page`, checked: a page on an action without GET or POST,
 * on a streaming action or one with no file, a bad path or template name,
 * a missing template file, a template that does not compile (outside dev
 * mode), or two pages on one method and path, fails startup naming the
 * action and the file.
 */
export function collectPages(app: App, sets: TemplateSets): PageSpec[] {
  const pages: PageSpec[] = []
  const taken = new Map<string, PageSpec>()
  for (const action of app.registry.list()) {
    if (action.def.page === undefined) continue
    const page = checkPage(app, action, sets)
    for (const method of page.methods) {
      const key = `${method} ${page.path.replace(/:[^/]+/g, ':')}`
      const other = taken.get(key)
      if (other) throw invalid(action, `its page ${method} ${page.path} is also the page of action "${other.action.name}" (in ${other.action.file ?? 'inline'})`)
      taken.set(key, page)
    }
    pages.push(page)
  }
  return pages
}

function checkPage(app: App, action: CompiledAction, sets: TemplateSets): PageSpec {
  const options = action.def.page
  if (options === null || typeof options !== 'object') throw invalid(action, 'page must be an object { path?, template? }')
  const methods = action.methods.filter((m): m is PageMethod => m === 'GET' || m === 'POST')
  if (methods.length === 0) throw invalid(action, `a page needs an action served with GET (or POST, for a form); it has http: ${JSON.stringify(action.def.http ?? 'POST')}`)
  if (action.streaming) throw invalid(action, 'a page cannot render a streaming action')
  if (action.file === undefined) throw invalid(action, 'a page needs an action discovered from a file, whose folder holds templates/')
  const path = checkPath(action, options.path ?? `/${action.path}`)
  const template = checkTemplate(action, options.template ?? `${action.name}.njk`)
  const templates = sets.for(folderChain(app, action.file))
  if (templates.find(template) === undefined) throw invalid(action, `its template ${template} is not in ${templates.searchPaths.join(' or ')}`)
  const hasErrorTemplate = templates.find('error.njk') !== undefined
  if (!app.settings.dev_mode) precompile(action, templates, template, hasErrorTemplate)
  return { action, path, methods, template, templates, hasErrorTemplate }
}

function checkPath(action: CompiledAction, path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(action, `page.path must be a string starting with /, got ${JSON.stringify(path)}`)
  if (path !== '/' && !path.slice(1).split('/').every((s) => SEGMENT.test(s))) {
    throw invalid(action, `page.path ${path} must be / or segments of letters, digits, . _ ~ - or :name`)
  }
  const reserved = RESERVED.find((r) => path === r || path.startsWith(`${r}/`))
  if (reserved) throw invalid(action, `page.path ${path} is under ${reserved}, which Serval serves itself`)
  return path
}

function checkTemplate(action: CompiledAction, name: unknown): string {
  const ok = typeof name === 'string' && name !== '' && !name.startsWith('/') && !name.includes('\\') && name.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
  if (!ok) throw invalid(action, `page.template must be a file name under templates/, got ${JSON.stringify(name)}`)
  return name
}

function precompile(action: CompiledAction, templates: TemplateSet, template: string, hasErrorTemplate: boolean): void {
  for (const name of hasErrorTemplate ? [template, 'error.njk'] : [template]) {
    try {
      templates.compile(name)
    } catch (cause) {
      throw invalid(action, `its template ${templates.find(name) ?? name} does not compile: ${cause instanceof Error ? cause.message : String(cause)}`)
    }
  }
}

function invalid(action: CompiledAction, detail: string): ServalError {
  return new ServalError('bad-request', { title: 'Invalid page', detail: `action "${action.name}"${action.file ? ` (in ${action.file})` : ''}: ${detail}` })
}
