/**
 * A string field of a route's parsed body, JSON or form: its first value
 * when a form repeats it (what `URLSearchParams.get` gives), undefined when
 * it is missing or no string. Own properties only, so `__proto__` or
 * `constructor` read nothing.
 *
 * @example
 * ```ts
 * bodyField({ username: ['ada', 'bob'] }, 'username') // 'ada'
 * bodyField({ next: 3 }, 'next') // undefined
 * ```
 */
export function bodyField(body: unknown, name: string): string | undefined {
  const value = typeof body === 'object' && body !== null && Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}
