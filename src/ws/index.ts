export { registerWebSockets, wsConnections } from './register.ts'
export { frames, parseClientFrame, type CallId, type ClientFrame, type BadFrame } from './frames.ts'
