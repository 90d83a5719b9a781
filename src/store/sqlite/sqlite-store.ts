import type { Store } from '../store.js';

/** Placeholder until the SQLite adapter lands. */
export const SqliteStore = {
  async open(_path: string): Promise<Store> {
    throw new Error('SqliteStore is not implemented yet');
  },
};
