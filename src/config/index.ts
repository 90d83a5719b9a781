export {
  type Config,
  ConfigError,
  describeConfig,
  isDatabaseUrl,
  type LoadConfigOptions,
  loadConfig,
  maskDatabase,
  maskUrlPassword,
} from './config.js';
export { parseBindHost } from './parse-bind-host.js';
export { secretRedactor } from './secret-redactor.js';
export { parseDuration, SETTINGS, type SettingSpec } from './settings.js';
