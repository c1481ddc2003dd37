export { sendStream } from './send.ts'
export { streamFormat, type StreamFormat } from './negotiate.ts'
export { framing, type Framing } from './frames.ts'
