import type { Config } from '../config/index.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { timeStoreCalls } from './store-call-timings.js';

/**
 * Opens the configured store: the embedded SQLite file by default; `readOnly` for commands that only read.
 * A writable store times its calls, for the slowest ones on the health page (see timeStoreCalls).
 */
export async function openStore(config: Pick<Config, 'db'>, options: { readOnly?: boolean } = {}): Promise<Store> {
  const store = await SqliteStore.open(config.db, { readOnly: options.readOnly });
  return options.readOnly ? store : timeStoreCalls(store);
}
