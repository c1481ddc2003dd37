// Schemas from types: no `input` or `output` here. Serval reads the handler's
// parameter and return types (and the JSDoc) when it loads this file, and
// validates, serialises and documents them as if the schemas were written.
//   curl 'localhost:8000/actions/find-books?author=Le%20Guin&limit=2'
//   curl localhost:8000/actions/add-book -H 'content-type: application/json' -d '{"title":"Lathe","year":1971}'
import { action } from 'serval'

/** A book as the shelf lists it. */
interface Book {
  /** The title, as printed on the cover. */
  title: string
  author: string
  /** Year of first publication. */
  year: number
  format: 'paperback' | 'hardcover' | 'ebook'
}

const shelf: Book[] = [
  { title: 'The Dispossessed', author: 'Ursula K. Le Guin', year: 1974, format: 'paperback' },
  { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969, format: 'hardcover' },
  { title: 'Kindred', author: 'Octavia E. Butler', year: 1979, format: 'ebook' },
]

/**
 * Find books by author (a GET: the query string is coerced to these types).
 *
 * @example le_guin
 * { "input": { "author": "Le Guin", "limit": 1 }, "output": { "books": [{ "title": "The Dispossessed", "author": "Ursula K. Le Guin", "year": 1974, "format": "paperback" }], "total": 2 } }
 */
export const findBooks = action({ http: 'GET' }, async (input: { author: string; /** At most this many books. */ limit?: number }) => {
  const found = shelf.filter((b) => b.author.includes(input.author))
  return { books: found.slice(0, input.limit ?? 10), total: found.length }
})

/**
 * Add a book; the format defaults to paperback. The answer never carries
 * fields the return type does not name.
 *
 * @example lathe
 * { "input": { "title": "The Lathe of Heaven", "year": 1971 }, "output": { "title": "The Lathe of Heaven", "author": "unknown", "year": 1971, "format": "paperback" } }
 */
export const addBook = action({}, async (input: { title: string; year: number; author?: string; format?: Book['format'] }): Promise<Book> => {
  const book = { title: input.title, author: input.author ?? 'unknown', year: input.year, format: input.format ?? 'paperback', addedBy: 'internal' }
  return book
})
