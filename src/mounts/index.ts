export { mountsAdminExtension } from './admin.ts'
export { adoptMounts, MountManager, mountsOf, openMounts, type MountView } from './manager.ts'
export { mountDirs, mountSettings } from './settings.ts'
export { underDeployRoot } from './deploy-root.ts'
