export { runDoctor, type DoctorOptions } from './run.ts'
export { type CheckResult } from './check.ts'
