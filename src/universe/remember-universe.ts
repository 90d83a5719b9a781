import type { Store } from '../store/store.js';
import type { ResolvedUniverse } from './universe-registry.js';

/**
 * Named lists (sp500, nasdaq100, all-listed ...) are remembered in the store's universes, so analysis,
 * status and the published breadth can name what was fetched; the store's own list, ad-hoc tickers and
 * files are not.
 */
export function remembersMembership(name: string): boolean {
  return name !== 'cached' && name !== 'tickers' && !name.includes(':');
}

/**
 * Stores a named universe's whole member list (all of it, not only the tickers about to be fetched: the
 * membership is the list's, whatever part of it a run fetches). Returns whether it was stored.
 */
export async function rememberUniverse(store: Pick<Store, 'universes'>, universe: ResolvedUniverse): Promise<boolean> {
  if (!remembersMembership(universe.name)) return false;
  await store.universes.set(
    universe.name,
    universe.symbols.map((symbol) => ({ symbol })),
    universe.description,
  );
  return true;
}
