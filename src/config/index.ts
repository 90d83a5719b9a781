export { type Config, ConfigError, describeConfig, type LoadConfigOptions, loadConfig } from './config.js';
export { parseDuration, SETTINGS, type SettingSpec } from './settings.js';
