export { settingDefs, type Settings, type SettingName, type SettingDef, type SettingKind } from './definitions.ts'
export { loadSettings, defineConfig, envName, flagName, type LoadOptions, type LoadedSettings, type SettingSource } from './load.ts'
export { SettingsError, splitList, parseSetting } from './parse.ts'
