import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bundledConstituentsFile,
  bundledSampleDir,
  SAMPLE_DESCRIPTION,
  SAMPLE_SOURCE,
  SAMPLE_UNIVERSE,
} from '../sources/csv/bundled-sample.js';
import type { Store } from '../store/store.js';
import { type ImportFilesOptions, importFiles } from './import-files.js';
import type { ImportSummary } from './import-summary.js';

/**
 * Imports the bundled sample (sample/*.csv.gz) with names and sectors from the shipped 2018 S&P 500 list,
 * and records its tickers as the 'sample' universe so every page can say the data is the sample (until a real
 * source stores a ticker's bars again, see sampleSymbols).
 * Idempotent like any import: running it again changes nothing.
 */
export async function importSample(
  store: Store,
  opts: Pick<ImportFilesOptions, 'now' | 'onFile' | 'batchBars'> = {},
): Promise<ImportSummary> {
  const dir = bundledSampleDir();
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.csv.gz'))
    .sort()
    .map((f) => join(dir, f));
  const symbols = new Set<string>();
  const summary = await importFiles(store, files, {
    ...opts,
    source: SAMPLE_SOURCE,
    sectorFile: bundledConstituentsFile(),
    onTicker: (symbol) => symbols.add(symbol),
  });
  if (summary.failedFiles.length > 0) {
    const why = summary.failedFiles.map((f) => `${f.path}: ${f.reason}`).join('; ');
    throw new Error(`the bundled sample could not be read (${why}); reinstall the package`);
  }
  await store.universes.set(
    SAMPLE_UNIVERSE,
    [...symbols].sort().map((symbol) => ({ symbol })),
    SAMPLE_DESCRIPTION,
  );
  return summary;
}
