import { createRequire } from 'node:module'
import type ts from 'typescript'
import { ServalError } from '../errors/index.ts'

const require = createRequire(import.meta.url)
const STUB = '/__serval_types_schema__/serval-stub.d.ts'
// Serval's own types are a thousand declaration files (Fastify, pino…) and a
// schema library's hundreds; a handler's input and output need neither. So
// a package imported for its values (`import { z } from 'zod'`, `action`
// from 'serval') is a shorthand ambient module, everything from it `any`,
// and only packages imported with `import type` are read: the program stays
// a few dozen files.
const STUB_TEXT = "declare module '*';\n"

/**
 * The installed TypeScript's version, read from its package.json without
 * loading the compiler (which costs half a second); undefined when absent.
 *
 * @example
 * ```ts
 * typescriptVersion() // '5.9.3'
 * ```
 */
export function typescriptVersion(): string | undefined {
  try {
    return (require('typescript/package.json') as { version: string }).version
  } catch {
    return undefined
  }
}

/**
 * Loads the TypeScript compiler, an optional peer dependency needed only
 * when an action's schemas come from its types and are not cached yet.
 *
 * @example
 * ```ts
 * const ts = loadTypeScript('action "greet" (in actions/greet.ts)')
 * ```
 */
export function loadTypeScript(forWhat: string): typeof ts {
  try {
    // require, not import: under a TypeScript loader an import of the 9 MB compiler costs seconds more.
    return require('typescript') as typeof ts
  } catch (cause) {
    throw new ServalError('bad-request', {
      title: 'TypeScript is needed',
      detail: `${forWhat} has no input or output schema, so Serval derives them from its types with the TypeScript compiler: install it (npm install -D typescript), or write the schemas`,
      cause,
    })
  }
}

/**
 * One program over the action files whose schemas come from their types,
 * with fixed strict options (the project's tsconfig does not change what a
 * schema means) and only the ES library.
 *
 * @example
 * ```ts
 * const program = createProgram(ts, ['/abs/actions/greet.ts'])
 * ```
 */
export function createProgram(t: typeof ts, files: readonly string[]): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: t.ScriptTarget.ES2022,
    module: t.ModuleKind.NodeNext,
    moduleResolution: t.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    types: [],
    lib: ['lib.es2023.d.ts'],
  }
  const host = t.createCompilerHost(options, true)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version, ...rest) => (name === STUB ? t.createSourceFile(name, STUB_TEXT, version) : getSourceFile(name, version, ...rest))
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => name === STUB || fileExists(name)
  const cache = t.createModuleResolutionCache(host.getCurrentDirectory(), (s) => s, options)
  host.resolveModuleNameLiterals = (literals, containing, redirected, opts, sourceFile) =>
    literals.map((literal) =>
      isPackage(literal.text) && !typeOnly(t, literal)
        ? { resolvedModule: undefined }
        : t.resolveModuleName(literal.text, containing, opts, host, cache, redirected, t.getModeForUsageLocation(sourceFile, literal, opts)),
    )
  return t.createProgram({ rootNames: [...files, STUB], options, host })
}

function isPackage(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:')
}

/** `import type …`, `import { type A, type B }`, `export type … from`, `import('x').T`: the types are wanted. */
function typeOnly(t: typeof ts, literal: ts.StringLiteralLike): boolean {
  const parent = literal.parent
  if (t.isLiteralTypeNode(parent) && t.isImportTypeNode(parent.parent)) return true
  if (t.isExportDeclaration(parent)) return parent.isTypeOnly
  if (!t.isImportDeclaration(parent) || !parent.importClause) return false
  const clause = parent.importClause
  if (clause.isTypeOnly) return true
  const named = clause.namedBindings
  return !clause.name && !!named && t.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
}

/** The program's files that are the user's (not the ES library, not the stub, not node_modules): the cache checks they are unchanged. */
export function userFiles(program: ts.Program): string[] {
  return program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((name) => name !== STUB && !program.isSourceFileDefaultLibrary(program.getSourceFile(name)!) && !/[\\/]node_modules[\\/]/.test(name))
}
