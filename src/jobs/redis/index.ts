// What other capabilities (the CLI) may use of Redis mode, without loading BullMQ or ioredis:
// the backend itself is loaded on demand by jobs/open.ts.
export { redact } from './redact.ts'
