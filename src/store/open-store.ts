import type { Config } from '../config/index.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Opens the configured store: the embedded SQLite file by default; `readOnly` for commands that only read. */
export async function openStore(config: Pick<Config, 'db'>, options: { readOnly?: boolean } = {}): Promise<Store> {
  return SqliteStore.open(config.db, { readOnly: options.readOnly });
}
