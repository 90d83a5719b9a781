import { join } from 'node:path';
import { bundledSampleDir } from '../sources/csv/bundled-sample.js';
import { readListingFiles } from './read-listing-files.js';
import type { UniverseEntry } from './universe-registry.js';

/**
 * Every US-listed security: NASDAQ, NYSE, NYSE American, NYSE Arca, Cboe BZX and IEX, from the NASDAQ Trader
 * symbol directory files shipped in sample/universes (copied from datasets/nasdaq-listings, 2026-08-01, and
 * datasets/nyse-other-listings, 2026-08-22; ODC-PDDL-1.0). About 13,000 securities: common stock, ADRs,
 * ETFs (marked as type ETF), preferreds, warrants, units and rights; test issues left out. Sorted by symbol.
 */
export const allListedUniverse: UniverseEntry = {
  name: 'all-listed',
  usage: 'all-listed',
  description: 'every US-listed security of the NASDAQ/NYSE/other listing files shipped with marketdeck (~13,000)',
  takesArgument: false,
  async resolve() {
    const listed = readListingFiles(join(bundledSampleDir(), 'universes')).sort((a, b) =>
      a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0,
    );
    const types = new Map<string, string>();
    for (const s of listed) if (s.etf) types.set(s.symbol, 'ETF');
    return {
      name: 'all-listed',
      symbols: listed.map((s) => s.symbol),
      description: `All US-listed securities (${listed.length}, ${types.size} ETFs; listing files of 2026-08)`,
      types,
    };
  },
};
