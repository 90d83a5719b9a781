import { type Config, isDatabaseUrl } from './config.js';
import { SETTINGS, type SettingSpec } from './settings.js';

/** Shorter values are not searched for: masking every "1" of a text would hide more than it protects. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every configured secret's value (API_TOKEN, API keys) in a text with ***, for what leaves the
 * process: job records, logs and answers. A job's error may quote a URL or a file that holds one.
 */
export function secretRedactor(config: Config): (text: string) => string {
  const values = (SETTINGS as readonly SettingSpec[])
    .filter((s) => s.secret)
    .map((s) => (config as unknown as Record<string, unknown>)[s.key])
    // A database URL given as --db or MARKETDECK_DB may carry a password too.
    .concat(isDatabaseUrl(config.db) ? [databasePassword(config.db)] : [])
    .filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join('***');
    return out;
  };
}

function databasePassword(db: string): string {
  try {
    return decodeURIComponent(new URL(db).password);
  } catch {
    return '';
  }
}
