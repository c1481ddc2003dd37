export { asset, Asset, serializeCapturing } from './asset.ts'
export { assetsExtension, assetsOf } from './extension.ts'
