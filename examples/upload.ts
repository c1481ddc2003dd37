// Uploads: an input property that is a file makes the action take multipart/form-data.
// Each file part streams to data_dir/uploads (never into memory) and arrives as a web File;
// text parts are coerced like query values, and dotted names nest.
//   curl -s localhost:8000/actions/inspect-upload -F photo=@README.md -F caption=hello -F meta.tags=a -F meta.tags=b
//   → {"name":"README.md","type":"text/markdown","size":…,"sha256":"…","caption":"hello","tags":["a","b"]}
//   A part over upload_limit (10 MiB by default) is a 413; a file in a text field a 422.
import { createHash } from 'node:crypto'
import { action } from 'serval'
import { z } from 'zod'

export const inspectUpload = action(
  {
    description: 'Reports the name, type, size and SHA-256 of an uploaded file, with its caption and tags',
    input: z.object({
      photo: z.file().describe('Any file, at most upload_limit bytes'),
      caption: z.string().max(200).optional(),
      meta: z.object({ tags: z.array(z.string().max(30)).max(10).optional() }).optional(),
    }),
    output: z.object({ name: z.string(), type: z.string(), size: z.number(), sha256: z.string(), caption: z.string().optional(), tags: z.array(z.string()).optional() }),
  },
  async ({ photo, caption, meta }) => {
    const hash = createHash('sha256')
    // Read as a stream: a large upload is never held in memory whole.
    const reader = photo.stream().getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value)
    return { name: photo.name, type: photo.type, size: photo.size, sha256: hash.digest('hex'), caption, tags: meta?.tags }
  },
)
