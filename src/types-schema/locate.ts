import type ts from 'typescript'

/** Where an exported action was defined: the `action(def, handler)` call's handler and the statement its JSDoc is on. */
export interface ActionSite {
  readonly handler: ts.Expression
  /** The node whose JSDoc describes the action (the `export const` statement). */
  readonly docNode: ts.Node
}

/**
 * Finds the handler of the action exported as `exportName` (or as the
 * default export): the second argument of the `action(…)` call that
 * initialises it. Undefined when the export is built some other way (a
 * factory function): its schemas cannot be read from the file, and it
 * keeps none.
 *
 * @example
 * ```ts
 * locateAction(ts, checker, sourceFile, 'greet')?.handler // the arrow function
 * ```
 */
export function locateAction(t: typeof ts, checker: ts.TypeChecker, file: ts.SourceFile, exportName: string): ActionSite | undefined {
  const moduleSymbol = checker.getSymbolAtLocation(file)
  if (!moduleSymbol) return undefined
  const exports = checker.getExportsOfModule(moduleSymbol)
  let symbol = exports.find((s) => s.getName() === exportName) ?? exports.find((s) => s.getName() === 'default')
  if (symbol && symbol.flags & t.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol)
  for (const decl of symbol?.getDeclarations() ?? []) {
    const init = t.isVariableDeclaration(decl) ? decl.initializer : t.isExportAssignment(decl) ? decl.expression : undefined
    const call = init && unwrap(t, init)
    if (call && t.isCallExpression(call) && isActionCall(t, call) && call.arguments[1]) {
      return { handler: call.arguments[1], docNode: t.isVariableDeclaration(decl) ? decl.parent.parent : decl }
    }
  }
  return undefined
}

function unwrap(t: typeof ts, node: ts.Expression): ts.Expression {
  let current = node
  while (t.isParenthesizedExpression(current) || t.isAsExpression(current) || t.isSatisfiesExpression(current)) current = current.expression
  return current
}

function isActionCall(t: typeof ts, call: ts.CallExpression): boolean {
  const callee = call.expression
  return (t.isIdentifier(callee) && callee.text === 'action') || (t.isPropertyAccessExpression(callee) && callee.name.text === 'action')
}

/**
 * The JSDoc of a statement: its description and `@example` bodies, as the
 * parser reads them (the statement has no symbol the checker documents).
 *
 * @example
 * ```ts
 * statementDoc(ts, site.docNode) // { description: 'Greets someone', examples: ['{ "input": … }'] }
 * ```
 */
export function statementDoc(t: typeof ts, node: ts.Node): { description: string | undefined; examples: string[] } {
  const docs = t.getJSDocCommentsAndTags(node).filter(t.isJSDoc)
  const last = docs[docs.length - 1]
  const description = last ? t.getTextOfJSDocComment(last.comment)?.trim() : undefined
  const examples = (last?.tags ?? []).filter((tag) => tag.tagName.text === 'example').map((tag) => t.getTextOfJSDocComment(tag.comment)?.trim() ?? '')
  return { description: description || undefined, examples: examples.filter((e) => e !== '') }
}
