export { schedulesExtension, startSchedules } from './extension.ts'
export { parseSchedule, parseEvery, describeSchedule, type ParsedSchedule } from './parse.ts'
export { EmbeddedScheduler } from './embedded.ts'
