// Assets: bytes inside a JSON answer are stored content-addressed and sent as a link (docs/caching.md#assets).
// They are kept assets_retention_s (7 days) after the last answer that sent the link, in data_dir/assets,
// or in Redis with redis_url (every instance serves every href); one asset holds at most 64 MiB.
import { action, asset } from 'serval'
import { z } from 'zod'

// An image output: the SVG becomes a link to GET /assets/{multihash}.
//   curl -s localhost:8000/actions/badge?label=ok     # {"label":"ok","image":{"href":".../assets/zQm…","contentType":"image/svg+xml","size":…}}
//   curl -si <href> -H 'range: bytes=0-9'             # 206, Content-Range: bytes 0-9/…
export const badge = action(
  {
    description: 'An SVG badge for `label`, sent as an asset link',
    http: 'GET',
    input: z.object({ label: z.string().min(1).max(40) }),
  },
  ({ label }) => {
    const text = label.replace(/[<>&"]/g, '_')
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text x="4" y="14">${text}</text></svg>`
    return { label, image: asset(new TextEncoder().encode(svg), 'image/svg+xml') }
  },
)
