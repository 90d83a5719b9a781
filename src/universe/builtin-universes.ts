import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  bundledConstituentsFile,
  bundledSampleDir,
  SAMPLE_DESCRIPTION,
  SAMPLE_UNIVERSE,
} from '../sources/csv/bundled-sample.js';
import { readPriceCsv } from '../sources/csv/read-price-csv.js';
import { readSymbolTable } from '../sources/csv/read-symbol-table.js';
import { allListedUniverse } from './all-listed-universe.js';
import { dow30Universe } from './dow30-universe.js';
import { internationalUniverse } from './international-universe.js';
import { nasdaq100Universe } from './nasdaq100-universe.js';
import { portfolioUniverse } from './portfolio-universe.js';
import { readShippedList } from './shipped-list-universe.js';
import { universeFromSymbolFile } from './symbol-file-universe.js';
import { registerUniverse, UniverseError } from './universe-registry.js';

/** The universe `marketdeck generate` lists its tickers under (see generateUniverse). */
const SYNTHETIC_UNIVERSE = 'synthetic';

registerUniverse({
  name: 'cached',
  usage: 'cached',
  description: 'every ticker with bars in the store (the default)',
  takesArgument: false,
  async resolve({ store }) {
    // No sectors here: every stored ticker's sector is already in its stored info, which analysis reads.
    return { name: 'cached', symbols: await store.tickers.symbolsWithBars(), description: 'Every ticker stored' };
  },
});

registerUniverse({
  name: 'sp500',
  usage: 'sp500',
  description: 'the S&P 500 list shipped with marketdeck (2026-08-08, with GICS sectors and sub-industries)',
  takesArgument: false,
  async resolve() {
    // Today's members for fetching today's data; the bundled 2013-2018 sample keeps its own 2018 list.
    return readShippedList('sp500.csv', 'sp500', 'S&P 500 constituents as of 2026-08-08 (shipped list)');
  },
});

registerUniverse({
  name: SAMPLE_UNIVERSE,
  usage: SAMPLE_UNIVERSE,
  description: 'the bundled sample tickers (about 100 S&P 500 members)',
  takesArgument: false,
  async resolve({ store }) {
    let symbols = (await store.universes.get(SAMPLE_UNIVERSE))?.map((m) => m.symbol);
    if (!symbols) {
      // Not imported yet: the tickers are the ones in the bundled price files.
      const found = new Set<string>();
      const dir = bundledSampleDir();
      for (const f of (await readdir(dir)).filter((n) => n.endsWith('.csv.gz'))) {
        for await (const block of readPriceCsv(resolve(dir, f), { onReject: () => {} })) found.add(block.symbol);
      }
      symbols = [...found].sort();
    }
    const listed = await readSymbolTable(bundledConstituentsFile());
    const sectors = new Map<string, string>();
    const inSample = new Set(symbols);
    for (const r of listed) if (r.sector && inSample.has(r.symbol)) sectors.set(r.symbol, r.sector);
    return { name: SAMPLE_UNIVERSE, symbols, description: SAMPLE_DESCRIPTION, sectors };
  },
});

registerUniverse({
  name: 'file',
  usage: 'file:PATH',
  description: 'symbols from a file: one a line, or a CSV with a Symbol column (and optional Sector)',
  takesArgument: true,
  async resolve(_ctx, argument) {
    const path = resolve(argument ?? '');
    return universeFromSymbolFile(path, `file:${path}`, `Symbols listed in ${path}`);
  },
});

registerUniverse({
  name: SYNTHETIC_UNIVERSE,
  usage: SYNTHETIC_UNIVERSE,
  description: 'the tickers `marketdeck generate` wrote (S0001, S0002 ...)',
  takesArgument: false,
  async resolve({ store }) {
    const members = await store.universes.get(SYNTHETIC_UNIVERSE);
    if (!members) {
      throw new UniverseError('no synthetic market is stored; run `marketdeck generate --tickers N --days D` first');
    }
    const symbols = members.map((m) => m.symbol);
    return { name: SYNTHETIC_UNIVERSE, symbols, description: `The synthetic market of ${symbols.length} tickers` };
  },
});

registerUniverse(nasdaq100Universe);
registerUniverse(dow30Universe);
registerUniverse(internationalUniverse);
registerUniverse(allListedUniverse);
registerUniverse(portfolioUniverse);
