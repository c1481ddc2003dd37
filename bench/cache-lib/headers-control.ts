// The header-cost control of bench/cache.ts, in its own process: plain node:http answering `add`'s
// body with the headers every Serval action answer carries (`GET /plain`), and with the four a cached
// answer adds (X-Cache, Cache-Control, ETag, Age; `GET /cached`). Their CPU difference is what sending
// those four headers costs in Node itself, with no framework and no cache in the way. Prints `PORT <n>`.
import { createServer } from 'node:http'

const body = JSON.stringify({ result: 3 })
const common = {
  'x-request-id': 'bench-1',
  'x-functions-version': 'zQmVKJrieHctkktZDFESCyL2DtYfXK4ZtAyxPpPpShgCULv',
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(Buffer.byteLength(body)),
}
const cached = { ...common, 'x-cache': 'HIT', 'cache-control': 'public, max-age=60', etag: '"6lWpQ6oBQrSdNjpWFhsggR94ZjdfBiKDAMMl3Fubzg8"', age: '0' }

const server = createServer((req, res) => {
  // A fresh object per answer, as a framework builds one per reply.
  res.writeHead(200, req.url === '/cached' ? { ...cached } : { ...common })
  res.end(body)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(`PORT ${typeof address === 'object' && address ? address.port : 0}`)
})
