export { errorCodes, problemType, codeForStatus, type ErrorCode } from './registry.ts'
export {
  ServalError,
  ActionError,
  problemHeaders,
  type Problem,
  type ProblemIssue,
  type ServalErrorInit,
} from './problem.ts'
export { toProblem, publicProblem, type ToProblemOptions } from './normalise.ts'
