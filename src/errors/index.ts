export { errorCodes, problemType, codeForStatus, type ErrorCode } from './registry.ts'
export {
  ServalError,
  ActionError,
  toProblem,
  problemHeaders,
  type Problem,
  type ProblemIssue,
  type ServalErrorInit,
  type ToProblemOptions,
} from './problem.ts'
