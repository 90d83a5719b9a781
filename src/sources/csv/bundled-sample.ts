import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Name of the universe the bundled sample is recorded under, and what `marketdeck status` says about it. */
export const SAMPLE_UNIVERSE = 'sample';
/** The source the sample's bars are recorded from in the fetch state, told apart from a real source's. */
export const SAMPLE_SOURCE = 'sample';
export const SAMPLE_DESCRIPTION =
  'Bundled sample: ~100 S&P 500 tickers, 2013-02-08..2018-02-07, IEX via Kaggle (real data with its defects, see sample/README.md)';
/** The S&P 500 list shipped with the package (2018-04-02, the sample's period), with names and sectors. */
export const CONSTITUENTS_FILE_NAME = 'sp500-constituents.csv';

/**
 * The package's `sample/` folder. Found by walking up from this module (src/sources/csv when run from
 * source, dist/src/sources/csv when built) to the folder holding package.json, so it does not depend on
 * the working directory the user started marketdeck from.
 */
export function bundledSampleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sample', CONSTITUENTS_FILE_NAME))) {
      return join(dir, 'sample');
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(
    `the bundled sample folder (sample/${CONSTITUENTS_FILE_NAME}) was not found above ${fileURLToPath(import.meta.url)}; is the package complete?`,
  );
}

export function bundledConstituentsFile(): string {
  return join(bundledSampleDir(), CONSTITUENTS_FILE_NAME);
}
