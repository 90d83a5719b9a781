import { selectSymbols } from '../../fetch/select-symbols.js';
import type { Store } from '../../store/store.js';
import { recordUniverseInfo } from '../../universe/record-universe-info.js';
import { rememberUniverse } from '../../universe/remember-universe.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';

/** The tickers a fetch job's params name, or why there are none. */
export type FetchSymbols = { symbols: string[]; universe: string } | { symbols: []; nothing: string };

/**
 * The tickers of a fetch job (params as JOB_PARAM_SCHEMAS.fetch): its universe or tickers, cut by
 * `maxStocks` and `expand` as `marketdeck fetch --max-stocks N --expand` does ("add N more stocks" takes the
 * next N not stored yet). Records the universe's facts (sectors, names) and its members, which a run split
 * into chunks of tickers would otherwise lose.
 */
export async function fetchSymbolsOf(store: Store, p: Readonly<Record<string, unknown>>): Promise<FetchSymbols> {
  const tickers =
    typeof p.tickers === 'string' || Array.isArray(p.tickers) ? (p.tickers as string | string[]) : undefined;
  const universe = await resolveUniverse(typeof p.universe === 'string' ? p.universe : undefined, { store, tickers });
  const expand = p.expand === true;
  const { symbols, alreadyStored } = selectSymbols(universe.symbols, {
    maxStocks: typeof p.maxStocks === 'number' ? p.maxStocks : undefined,
    expand,
    stored: expand ? new Set(await store.tickers.symbolsWithBars()) : undefined,
  });
  if (symbols.length === 0) {
    const why =
      expand && alreadyStored > 0
        ? `every ticker of ${universe.name} (${alreadyStored}) is stored already`
        : universe.name === 'cached'
          ? 'the store has no tickers yet; choose some with --universe (e.g. sp500, nasdaq100) or --tickers'
          : `universe ${universe.name} is empty`;
    return { symbols: [], nothing: `nothing to fetch: ${why}` };
  }
  await recordUniverseInfo(store, universe, symbols);
  // Like `marketdeck fetch`: a named list's members are what precompute publishes that list's breadth for.
  await rememberUniverse(store, universe);
  return { symbols, universe: universe.name };
}
