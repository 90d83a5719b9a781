import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export interface TestStore {
  store: Store;
  /** Closes the store and removes its temp folder. */
  dispose(): Promise<void>;
}

/**
 * A fresh real store (SQLite file in a temp folder) for import and universe tests. Every test that
 * imports goes through here, so pointing them at another adapter is a change to this one function.
 */
export async function makeTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'marketdeck-import-test-'));
  const store = await SqliteStore.open(join(dir, 'test.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
