import { join } from 'node:path';

/**
 * The environment of a `marketdeck` child process that fetches from the local market test server: its URL,
 * run metrics under `dir`, Alpha Vantage off and no key from the caller's own environment.
 */
export function fetchCliEnv(serverUrl: string, dir: string, retries = 1): Record<string, string> {
  return {
    YAHOO_BASE_URL: serverUrl,
    MARKETDECK_DATA_DIR: join(dir, 'data'),
    FETCH_RETRIES: String(retries),
    ENABLE_ALPHA_VANTAGE: 'false',
    ALPHA_VANTAGE_API_KEY: '',
  };
}
