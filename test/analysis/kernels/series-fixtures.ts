import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One ticker's columns as the kernels take them; JSON nulls (empty CSV cells) become NaN. */
export interface SeriesFixture {
  name: string;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

interface SeriesFile {
  symbol: string;
  from: string;
  to: string;
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
  volume: (number | null)[];
}

/**
 * Real daily series copied from the shared price files (see test/fixtures/series/README.md):
 * AAPL, XOM and DISCA (DISCA's unadjusted 2014 2:1 split is a deliberate 50% gap) for 2013-2018,
 * GE for 2006-2016 (the 2008 crash).
 */
export const CLEAN_SERIES = ['aapl-2013-2018', 'xom-2013-2018', 'disca-2013-2018', 'ge-2006-2016'] as const;

/** O (Realty Income) has real holes: empty open/high/low cells on two dates, volume 0 on one. */
export const HOLEY_SERIES = 'o-2013-2018';

function repoRoot(): string {
  // Works from test/... (tsx) and from dist/test/... (the compiled suite).
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

const cache = new Map<string, SeriesFixture>();

function column(values: (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? Number.NaN;
  return out;
}

/** Loads test/fixtures/series/<name>.json; each call returns fresh copies, so a test may modify them. */
export function loadSeries(name: string): SeriesFixture {
  let s = cache.get(name);
  if (s === undefined) {
    const file = JSON.parse(
      readFileSync(join(repoRoot(), 'test', 'fixtures', 'series', `${name}.json`), 'utf8'),
    ) as SeriesFile;
    s = {
      name: `${file.symbol} ${file.from}..${file.to}`,
      high: column(file.high),
      low: column(file.low),
      close: column(file.close),
      volume: column(file.volume),
    };
    cache.set(name, s);
  }
  return { name: s.name, high: s.high.slice(), low: s.low.slice(), close: s.close.slice(), volume: s.volume.slice() };
}

/** A copy of `s` with every column NaN on bars [from, to): a gap of missing bars inside the history. */
export function withHole(s: SeriesFixture, from: number, to: number): SeriesFixture {
  const c = loadSeriesCopy(s);
  for (const col of [c.high, c.low, c.close, c.volume]) col.fill(Number.NaN, from, to);
  c.name = `${s.name} with bars ${from}..${to - 1} missing`;
  return c;
}

function loadSeriesCopy(s: SeriesFixture): SeriesFixture {
  return { name: s.name, high: s.high.slice(), low: s.low.slice(), close: s.close.slice(), volume: s.volume.slice() };
}

/** Deterministic random-walk bars (mulberry32), for contract tests that need no real data. */
export function randomWalk(n: number, seed = 42): SeriesFixture {
  let state = seed >>> 0;
  const rand = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    price *= 1 + (rand() - 0.5) * 0.04;
    close[i] = price;
    high[i] = price * (1 + rand() * 0.02);
    low[i] = price * (1 - rand() * 0.02);
    volume[i] = Math.round(1e5 + rand() * 1e6);
  }
  return { name: `random walk n=${n} seed=${seed}`, high, low, close, volume };
}

/** Bars whose every price is `price` (volume still varies): the flat-market edge case. */
export function flatSeries(n: number, price = 50): SeriesFixture {
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) volume[i] = 1000 + i;
  return {
    name: `flat ${price} n=${n}`,
    high: new Float64Array(n).fill(price),
    low: new Float64Array(n).fill(price),
    close: new Float64Array(n).fill(price),
    volume,
  };
}
