import { runAnalysis } from '../../src/analysis/run-analysis.js';
import { importFiles } from '../../src/fetch/import-files.js';
import { bundledConstituentsFile } from '../../src/sources/csv/bundled-sample.js';
import type { Store } from '../../src/store/store.js';
import { resolveUniverse } from '../../src/universe/resolve-universe.js';

/** Imports the real S&P 500 prices file with the bundled constituents list, so sectors (heatmap, breadth) are real. */
export function importRealMarket(store: Store, csv: string): ReturnType<typeof importFiles> {
  return importFiles(store, [csv], { sectorFile: bundledConstituentsFile() });
}

/** Analyses every stored ticker (the default 'cached' universe), as `marketdeck analyze` would. */
export async function analyzeStored(store: Store): Promise<void> {
  const universe = await resolveUniverse(undefined, { store });
  await runAnalysis(store, { universe: { name: universe.name, symbols: universe.symbols, sectors: universe.sectors } });
}
