/**
 * The first sentence of a description, for an operation's `summary` (the
 * line the docs UI shows collapsed): up to the first `.`, `!` or `?` that
 * ends a sentence, or the first blank line, without the final period.
 *
 * @example
 * ```ts
 * firstSentence('Greets a user. Names over 100 characters are refused.') // 'Greets a user'
 * ```
 */
export function firstSentence(text: string): string {
  const paragraph = text.trim().split(/\n\s*\n/)[0] ?? ''
  const flat = paragraph.replace(/\s+/g, ' ')
  // A sentence ends at punctuation followed by a space and a capital or the end, not at `e.g. this` or `v1.2`.
  const end = /[.!?](?=\s+[A-Z`"'(]|\s*$)/.exec(flat)
  const sentence = end ? flat.slice(0, end.index + (flat[end.index] === '.' ? 0 : 1)) : flat
  return sentence.trim()
}

type Json = Record<string, any>

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/**
 * Gives every operation of the document that has a description but no
 * summary its description's first sentence, whichever part added it.
 *
 * @example
 * ```ts
 * addSummaries(doc) // doc.paths['/actions/add'].post.summary === 'Adds two numbers'
 * ```
 */
export function addSummaries(doc: Json): void {
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) {
      const op = item?.[method] as Json | undefined
      if (op && !op.summary && typeof op.description === 'string' && op.description.trim()) op.summary = firstSentence(op.description)
    }
  }
}
