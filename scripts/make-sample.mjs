#!/usr/bin/env node
// Cuts the bundled sample (sample/prices-2013-2018.csv.gz) out of the full Kaggle "S&P 500 stock data" file,
// and copies the S&P 500 constituents list of the same period. Reproducible: same input, same bytes out.
// Usage: node scripts/make-sample.mjs [SHARED_DATA_DIR]   (default ../shared/data, relative to the repo root)
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data'));
const pricesIn = join(shared, 'prices', 'all_stocks_5yr.csv.gz');
const constituentsIn = join(shared, 'universes', 'sp500_constituents_2018-04-02.csv');
const outDir = join(root, 'sample');

// About nine of the largest, best-known members of each GICS sector (the 2018 list has only three telecoms),
// plus tickers kept on purpose because they carry the file's real defects, so the sample shows them:
//   DISCA  2:1 split of 2014-08-07 not adjusted (close 83.02 -> 40.975)
//   LNT    bad close 17.87 on 2016-05-19 between days near 35
//   EBAY, BAX, NI   spin-offs not adjusted (2015-07-20, 2015-07-01, 2015-07-02)
//   DHR, O, ES      empty open/high/low rows, and 16/16/10 missing days
//   FTV, UA, BHF, WRK, VRTX   more empty-field rows (FTV, UA also volume 0)
//   AOS    high below low on 2014-05-19; CHD, SPG, IP, BBY  high/low not covering open/close
//   APTV   shortest history (44 rows); PYPL, KHC, DWDP, HPE  listed after 2013-02-08
//   ICE, BMY, ORCL  a few missing days; AMD, VRTX  real one-day moves above 40%
const SAMPLE_TICKERS = {
  'Consumer Discretionary': ['AMZN', 'HD', 'MCD', 'NKE', 'SBUX', 'DIS', 'CMCSA', 'DISCA', 'APTV', 'UA', 'BBY'],
  'Consumer Staples': ['PG', 'KO', 'PEP', 'WMT', 'COST', 'MO', 'PM', 'CL', 'KHC', 'CHD'],
  Energy: ['XOM', 'CVX', 'COP', 'SLB', 'EOG', 'OXY', 'HAL', 'KMI', 'PSX'],
  Financials: ['JPM', 'BAC', 'WFC', 'C', 'GS', 'MS', 'AXP', 'BRK.B', 'AIG', 'ICE', 'BHF'],
  'Health Care': ['JNJ', 'PFE', 'UNH', 'MRK', 'ABBV', 'AMGN', 'GILD', 'MDT', 'BMY', 'DHR', 'BAX', 'VRTX'],
  Industrials: ['MMM', 'BA', 'CAT', 'GE', 'HON', 'UNP', 'UPS', 'LMT', 'FDX', 'AOS', 'FTV'],
  'Information Technology': [
    'AAPL',
    'MSFT',
    'GOOGL',
    'FB',
    'INTC',
    'CSCO',
    'ORCL',
    'NVDA',
    'V',
    'EBAY',
    'AMD',
    'PYPL',
    'HPE',
  ],
  Materials: ['DWDP', 'APD', 'ECL', 'SHW', 'NEM', 'FCX', 'IP', 'WRK', 'MON'],
  'Real Estate': ['AMT', 'SPG', 'PLD', 'PSA', 'EQIX', 'CCI', 'VTR', 'O', 'WY'],
  'Telecommunication Services': ['T', 'VZ', 'CTL'],
  Utilities: ['NEE', 'DUK', 'SO', 'D', 'EXC', 'AEP', 'LNT', 'NI', 'ES'],
};

async function main() {
  for (const f of [pricesIn, constituentsIn]) {
    if (!existsSync(f)) throw new Error(`input ${f} not found; pass the shared data folder as the first argument`);
  }
  const sectorOf = new Map();
  const constituents = readFileSync(constituentsIn, 'utf8');
  for (const line of constituents.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const symbol = line.slice(0, line.indexOf(','));
    sectorOf.set(symbol, line.slice(line.lastIndexOf(',') + 1).trim());
  }
  const wanted = new Set();
  for (const [sector, symbols] of Object.entries(SAMPLE_TICKERS)) {
    for (const s of symbols) {
      if (sectorOf.get(s) !== sector)
        throw new Error(`${s} is listed under ${sector} but the constituents list says ${sectorOf.get(s)}`);
      wanted.add(s);
    }
  }

  const out = [];
  const rowsPer = new Map();
  let header = null;
  const lines = createInterface({
    input: createReadStream(pricesIn).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (header === null) {
      header = line;
      out.push(line);
      continue;
    }
    const name = line.slice(line.lastIndexOf(',') + 1);
    if (!wanted.has(name)) continue;
    out.push(line);
    rowsPer.set(name, (rowsPer.get(name) ?? 0) + 1);
  }
  const missing = [...wanted].filter((s) => !rowsPer.has(s));
  if (missing.length > 0) throw new Error(`no rows in ${pricesIn} for ${missing.join(', ')}`);

  mkdirSync(outDir, { recursive: true });
  const gz = gzipSync(`${out.join('\n')}\n`, { level: 9 });
  writeFileSync(join(outDir, 'prices-2013-2018.csv.gz'), gz);
  writeFileSync(join(outDir, 'sp500-constituents.csv'), constituents);
  process.stdout.write(
    `sample: ${wanted.size} tickers, ${out.length - 1} rows, ${gz.length} bytes gzip -> sample/prices-2013-2018.csv.gz\n` +
      `tickers: ${[...wanted].sort().join(' ')}\n`,
  );
}

await main();
