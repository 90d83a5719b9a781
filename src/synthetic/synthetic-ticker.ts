import { type BarSeries, emptyBarSeries } from '../domain/bar-series.js';
import type { EpochDay } from '../domain/epoch-day.js';
import type { Dividend, Split, TickerInfo } from '../domain/ticker.js';
import { GICS_SECTORS } from './gics-sectors.js';
import type { MarketFactors } from './market-factors.js';
import { SeededRandom, streamSeed } from './seeded-random.js';

export interface SyntheticTicker {
  info: TickerInfo;
  bars: BarSeries;
  dividends: Dividend[];
  splits: Split[];
}

const NAME_WORDS = [
  'Apex',
  'Northwind',
  'Bluestone',
  'Cedar',
  'Summit',
  'Harbor',
  'Ironwood',
  'Lumen',
  'Meridian',
  'Orion',
  'Pinnacle',
  'Quarry',
  'Redwood',
  'Silverline',
  'Tidal',
  'Vantage',
  'Westgate',
  'Zenith',
  'Granite',
  'Aurora',
];
const NAME_SUFFIXES = ['Holdings', 'Group', 'Industries', 'Systems', 'Partners', 'Corp', 'Technologies', 'Brands'];
const SECTOR_WEIGHTS = GICS_SECTORS.map((s) => s.weight);
/** Forward splits (numerator > denominator) after a run-up; a reverse split rescues a penny stock. */
const FORWARD_SPLITS: readonly [number, number][] = [
  [2, 1],
  [2, 1],
  [3, 1],
  [4, 1],
  [3, 2],
];
/** GARCH(1,1) persistence: a shock's variance decays by ~3% a day, as in fitted equity series. */
const GARCH_ALPHA = 0.07;
const GARCH_BETA = 0.9;

/** Rounds a quote to the tick exchanges use: cents from $1, hundredths of a cent below. */
function tick(price: number): number {
  return price >= 1 ? Math.round(price * 100) / 100 : Math.max(0.0001, Math.round(price * 10_000) / 10_000);
}

/**
 * One synthetic ticker over the given trading days: a geometric random walk of market, sector and own
 * returns with GARCH-clustered volatility and rare jumps; OHLC consistent after rounding; lognormal
 * volumes that spike on big moves; quarterly dividends for about half (adjClose adjusted the way Yahoo
 * does) and a split for ~2.5% (prices stored split-adjusted, the split recorded as an event).
 */
export function generateSyntheticTicker(
  index: number,
  seed: number,
  dates: Int32Array,
  factors: MarketFactors,
  symbolWidth: number,
): SyntheticTicker {
  const rng = new SeededRandom(streamSeed(seed, index));
  const n = dates.length;
  const symbol = `S${String(index).padStart(symbolWidth, '0')}`;
  const sectorIndex = rng.weighted(SECTOR_WEIGHTS);
  const sector = GICS_SECTORS[sectorIndex];
  const beta = Math.min(2.2, Math.max(0.2, 1 + 0.3 * rng.normal()));
  const sectorLoading = rng.uniform(0.5, 1.2);
  const targetVol = Math.min(0.06, Math.max(0.006, 0.016 * Math.exp(0.4 * rng.normal())));
  const omega = targetVol * targetVol * (1 - GARCH_ALPHA - GARCH_BETA);
  const drift = 0.0001 + 0.00025 * rng.normal();
  const shares = Math.min(2e10, Math.max(5e6, 150e6 * Math.exp(1.2 * rng.normal())));
  const turnover = rng.uniform(0.003, 0.015);
  const pays = rng.next() < 0.5;
  const quarterlyYield = rng.uniform(0.008, 0.045) / 4;
  const firstExDate = rng.int(0, 62);
  const splitAt = rng.next() < 0.025 && n > 20 ? rng.int(Math.floor(n * 0.2), Math.floor(n * 0.9)) : -1;

  const s = emptyBarSeries(symbol, n);
  s.dates.set(dates);
  // Locals, not property loads, in the loop that runs 25 million times for a full synthetic market.
  const { open: opens, high: highs, low: lows, close: closes, volume: volumes } = s;
  const market = factors.market;
  const stressed = factors.stressed;
  const sectorReturns = factors.sectors[sectorIndex];
  const dividendAt: number[] = [];
  const dividendAmount: number[] = [];
  let variance = targetVol * targetVol;
  let prevClose = Math.min(600, Math.max(3, 35 * Math.exp(0.9 * rng.normal())));
  for (let t = 0; t < n; t++) {
    let shock = Math.sqrt(variance) * rng.normal();
    if (rng.next() < 0.003) shock += 4 * targetVol * rng.normal() - targetVol;
    // The GARCH recursion sees the unscaled shock: feeding the stressed one back would make variance
    // grow without bound through a long stressed spell (persistence above 1).
    variance = omega + GARCH_ALPHA * shock * shock + GARCH_BETA * variance;
    const stress = stressed[t] ? 1.4 : 1;
    const sigma = Math.sqrt(variance) * stress;
    const r = Math.min(
      0.6,
      Math.max(-0.6, drift + beta * market[t] + sectorLoading * sectorReturns[t] + shock * stress),
    );
    // Part of the day's move happens overnight, so the open gaps from the previous close.
    const overnight = 0.35 * r + 0.3 * sigma * rng.normal();
    let dividend = 0;
    if (pays && t > 0 && t >= firstExDate && (t - firstExDate) % 63 === 0) {
      dividend = Math.max(0.01, Math.round(prevClose * quarterlyYield * 100) / 100);
      dividendAt.push(t);
      dividendAmount.push(dividend);
    }
    const open = tick(Math.max(0.0001, prevClose * Math.exp(overnight) - dividend));
    const close = tick(Math.max(0.0001, prevClose * Math.exp(r) - dividend));
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    opens[t] = open;
    closes[t] = close;
    // Wicks beyond open and close: exponential sizes of a fraction of the day's volatility (1 + x ~ e^x).
    highs[t] = Math.max(top, tick(top * (1 + 0.4 * sigma * rng.exponential())));
    lows[t] = Math.min(bottom, tick(bottom * (1 - Math.min(0.9, 0.4 * sigma * rng.exponential()))));
    let volume = shares * turnover * Math.exp(0.35 * rng.normal()) * (0.5 + 0.6 * (Math.abs(r) / sigma));
    if (rng.next() < 0.01) volume *= rng.uniform(2.5, 8);
    volumes[t] = Math.max(100, Math.round(volume));
    prevClose = close;
  }
  fillAdjustedClose(s, dividendAt, dividendAmount);

  const dividends = dividendAt.map((t, k) => ({ date: dates[t] as EpochDay, amount: dividendAmount[k] }));
  const splits: Split[] = [];
  if (splitAt >= 0) {
    const [numerator, denominator] = s.close[splitAt] < 5 ? [1, 10] : rng.pick(FORWARD_SPLITS);
    splits.push({ date: dates[splitAt] as EpochDay, numerator, denominator });
  }
  const lastClose = n > 0 ? s.close[n - 1] : Number.NaN;
  const info: TickerInfo = {
    symbol,
    name: `${rng.pick(NAME_WORDS)} ${rng.pick(NAME_SUFFIXES)}`,
    exchange: rng.next() < 0.55 ? 'NASDAQ' : 'NYSE',
    currency: 'USD',
    type: 'EQUITY',
    sector: sector.sector,
    industry: rng.pick(sector.industries),
    marketCap: Number.isFinite(lastClose) ? Math.round(shares * lastClose) : null,
  };
  return { info, bars: s, dividends, splits };
}

/**
 * Yahoo's dividend adjustment: every close before an ex-date is scaled by (1 - dividend / close the day
 * before the ex-date), compounding backwards from the newest bar, which keeps its close.
 */
function fillAdjustedClose(s: BarSeries, exIndex: readonly number[], amounts: readonly number[]): void {
  let factor = 1;
  let k = exIndex.length - 1;
  for (let t = s.close.length - 1; t >= 0; t--) {
    s.adjClose[t] = s.close[t] * factor;
    if (k >= 0 && exIndex[k] === t) {
      factor *= 1 - amounts[k] / s.close[t - 1];
      k--;
    }
  }
}
