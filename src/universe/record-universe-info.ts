import type { TickerInfo } from '../domain/ticker.js';
import type { Store } from '../store/store.js';
import type { ResolvedUniverse } from './universe-registry.js';

/**
 * Stores what a universe's list knows about the given tickers (sector, industry, company name) before
 * they are fetched: Yahoo's chart answer carries no sector, and breadth by sector and the heatmap need one.
 * Fields the list lacks leave the stored values alone. Returns how many tickers got information.
 */
export async function recordUniverseInfo(
  store: Pick<Store, 'tickers'>,
  universe: ResolvedUniverse,
  symbols: readonly string[] = universe.symbols,
): Promise<number> {
  const infos: TickerInfo[] = [];
  for (const symbol of symbols) {
    const sector = universe.sectors?.get(symbol) ?? null;
    const industry = universe.industries?.get(symbol) ?? null;
    const name = universe.names?.get(symbol) ?? null;
    if (sector !== null || industry !== null || name !== null) infos.push({ symbol, sector, industry, name });
  }
  if (infos.length > 0) await store.tickers.upsert(infos);
  return infos.length;
}
