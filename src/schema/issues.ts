import type { ErrorObject } from 'ajv'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ProblemIssue } from '../errors/index.ts'

/** Escapes one JSON Pointer segment (RFC 6901). */
function pointerSegment(key: PropertyKey): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Turns Ajv errors into issues, pointing at the missing or extra property itself. */
export function issuesFromAjv(errors: readonly ErrorObject[] | null | undefined): ProblemIssue[] {
  if (!errors) return []
  return errors.map((e) => {
    const params = e.params as Record<string, unknown>
    let path = e.instancePath
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      path += `/${pointerSegment(params.missingProperty)}`
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${pointerSegment(params.additionalProperty)}`
      return { path, message: 'is not allowed (no such property)' }
    } else if (e.keyword === 'unevaluatedProperties' && typeof params.unevaluatedProperty === 'string') {
      path += `/${pointerSegment(params.unevaluatedProperty)}`
      return { path, message: 'is not allowed (no part of the schema names it)' }
    }
    return { path, message: e.message ?? 'is invalid' }
  })
}

/** Turns Standard Schema issues into JSON-Pointer issues. */
export function issuesFromStandard(issues: readonly StandardSchemaV1.Issue[]): ProblemIssue[] {
  return issues.map((issue) => {
    const segments = (issue.path ?? []).map((p) =>
      typeof p === 'object' && p !== null ? pointerSegment(p.key) : pointerSegment(p),
    )
    return { path: segments.length ? `/${segments.join('/')}` : '', message: issue.message }
  })
}

/** One line that sums the issues up, for a problem's `detail`. */
export function summariseIssues(issues: readonly ProblemIssue[]): string {
  const first = issues[0]
  if (!first) return 'Invalid value'
  const where = first.path === '' ? '(root)' : first.path.slice(1).replaceAll('/', '.')
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return `${where}: ${first.message}${more}`
}
