// Any Standard Schema library works: here valibot.
import { action } from 'serval'
import * as v from 'valibot'

export const slugify = action(
  {
    description: 'Turn a title into a URL slug',
    input: v.object({ title: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
    output: v.object({ slug: v.string() }),
    examples: [{ name: 'hello_world', input: { title: 'Hello, World!' }, output: { slug: 'hello-world' } }],
  },
  ({ title }) => ({ slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') }),
)
