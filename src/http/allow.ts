import { ServalError } from '../errors/index.ts'

const ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * The one 405 mechanism of the HTTP adapter: every mounted path (action
 * paths, extension routes) records its methods here, and the not-found
 * handler answers a known path asked with another method 405 + `Allow`.
 * Wrong methods cost no routes, and nothing on the request path.
 *
 * @example
 * ```ts
 * const allow = new AllowTable()
 * allow.add('/jobs/:ref', ['GET', 'DELETE'])
 * allow.notAllowed('PUT', '/jobs/42')?.headers // { allow: 'GET, DELETE, HEAD' }
 * ```
 */
export class AllowTable {
  readonly #exact = new Map<string, string[]>()
  readonly #templates: { segments: string[]; methods: string[] }[] = []

  /** Records that `path` (literal, or with `:name` segments) answers `methods`. */
  add(path: string, methods: readonly string[]): void {
    const known = this.#methodsOf(path)
    for (const m of methods) if (!known.includes(m)) known.push(m)
  }

  /** The 405 for a known path asked with a method it does not answer, else undefined. */
  notAllowed(method: string, url: string): ServalError | undefined {
    const path = (url.split('?')[0] ?? '').replace(/\/+$/, '')
    const methods = this.#exact.get(path) ?? this.#templates.find((t) => matches(t.segments, path))?.methods
    if (methods === undefined || methods.includes(method)) return undefined
    const allow = [...ORDER.filter((m) => methods.includes(m)), ...(methods.includes('GET') ? ['HEAD'] : [])].join(', ')
    return new ServalError('method-not-allowed', { detail: `${method} is not allowed here; use ${allow}`, headers: { allow } })
  }

  #methodsOf(path: string): string[] {
    if (!path.includes('/:')) {
      const methods = this.#exact.get(path) ?? []
      this.#exact.set(path, methods)
      return methods
    }
    let entry = this.#templates.find((t) => t.segments.join('/') === path)
    if (!entry) this.#templates.push((entry = { segments: path.split('/'), methods: [] }))
    return entry.methods
  }
}

function matches(template: readonly string[], path: string): boolean {
  const parts = path.split('/')
  return parts.length === template.length && template.every((t, i) => (t.startsWith(':') ? parts[i] !== '' : t === parts[i]))
}
