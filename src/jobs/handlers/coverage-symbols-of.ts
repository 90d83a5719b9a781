import type { Store } from '../../store/store.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import { UniverseError } from '../../universe/universe-registry.js';

/**
 * The symbols a universe or explicit tickers name, or undefined for every stored ticker (`cached`, the
 * default). Shared by `marketdeck coverage` and the backfill job, which must agree on which tickers a
 * universe means. Throws UniverseError naming a bad universe or symbol, or both given.
 */
export async function coverageSymbolsOf(
  store: Store,
  universe: string | undefined,
  tickers: string | readonly string[] | undefined,
): Promise<{ name: string; symbols: string[] | undefined }> {
  if (universe !== undefined && tickers !== undefined) {
    throw new UniverseError('universe and tickers name the tickers twice; give one of them');
  }
  if (tickers === undefined && (universe === undefined || universe === 'cached')) {
    return { name: 'cached', symbols: undefined };
  }
  const resolved = await resolveUniverse(universe, { store, tickers });
  return { name: resolved.name, symbols: resolved.symbols };
}
