import { resolve } from 'node:path'
import { ServalError } from '../errors/index.ts'
import { hashFile, type CacheEntry } from './cache.ts'
import { InexpressibleType } from './convert.ts'
import { deriveSchemas, type DerivedSchemas } from './derive.ts'
import { locateAction } from './locate.ts'
import { createProgram, loadTypeScript, userFiles } from './program.ts'

/** One action file to derive: its absolute path, and each action's export name with how errors name it. */
export interface FileToDerive {
  readonly file: string
  readonly actions: ReadonlyArray<{ readonly exportName: string; readonly label: string }>
}

/**
 * Derives the schemas of every listed action with one TypeScript program
 * over all the files: the compiler's work of a cache miss. A type with no
 * JSON form, or bad documentation, is a `bad-request` ServalError naming
 * the action and its file.
 *
 * @example
 * ```ts
 * const entries = deriveFiles([{ file: '/abs/actions/greet.ts', actions: [{ exportName: 'greet', label: 'action "greet" (in actions/greet.ts)' }] }])
 * ```
 */
export function deriveFiles(files: readonly FileToDerive[]): Record<string, CacheEntry> {
  const ts = loadTypeScript(files[0]?.actions[0]?.label ?? 'an action')
  const program = createProgram(ts, files.map((f) => f.file))
  const checker = program.getTypeChecker()
  const deps = Object.fromEntries(userFiles(program).map((f) => [resolve(f), hashFile(f)]))
  const out: Record<string, CacheEntry> = {}
  for (const { file, actions: wanted } of files) {
    const sourceFile = program.getSourceFile(file)
    const actions: Record<string, DerivedSchemas> = {}
    for (const { exportName, label } of wanted) {
      const site = sourceFile && locateAction(ts, checker, sourceFile, exportName)
      actions[exportName] = site ? guard(label, () => deriveSchemas(ts, checker, site)) : {}
    }
    out[file] = { deps, actions }
  }
  return out
}

function guard(label: string, derive: () => DerivedSchemas): DerivedSchemas {
  try {
    return derive()
  } catch (cause) {
    if (cause instanceof InexpressibleType) {
      throw new ServalError('bad-request', {
        title: 'Type has no JSON Schema',
        detail: `${label}: ${cause.message}. Change the type, or write the action's input and output schemas`,
        cause,
      })
    }
    const msg = cause instanceof Error ? cause.message : String(cause)
    throw new ServalError('bad-request', { title: 'Invalid action documentation', detail: `${label}: ${msg}`, cause })
  }
}
