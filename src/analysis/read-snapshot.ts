import type { Store } from '../store/store.js';

/**
 * Runs `fn`'s reads from one snapshot where the store makes that cheaper (Store.readSnapshot): a batch of
 * tickers read together. `fn` must not write.
 */
export function inReadSnapshot<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  return store.readSnapshot(fn);
}
