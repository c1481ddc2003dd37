export { registerWebSockets } from './register.ts'
export { wsConnections } from './count.ts'
export { frames, parseClientFrame, type CallId, type ClientFrame, type BadFrame } from './frames.ts'
