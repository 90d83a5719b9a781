import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import * as ti from 'technicalindicators';
import { atr, bbands, ema, macd, rsi, sma } from '../../src/analysis/index.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { atLeast, atMost, type BenchFigure, type BenchSection, info, median } from '../bench-section.js';

/** Bars in the synthetic series: 1M points, ~400 years of daily bars or 400 tickers of 10 years. */
const N = 1_000_000;
/** technicalindicators is about 100x slower; it runs on this slice and is scaled linearly to N. */
const SLOW_SLICE = 100_000;
const REPS_FAST = 25;
const REPS_TALIB = 3;
const REPS_TI = 5;

interface TalibBinding {
  execute(params: Record<string, unknown>): { begIndex: number; nbElement: number; result: Record<string, number[]> };
}

interface Walk {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function randomWalk(n: number, seed: number): Walk {
  const rng = new SeededRandom(seed);
  const rand = (): number => rng.next();
  const w: Walk = {
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    // Log-symmetric steps keep a 1M-step walk in a sane price range.
    price *= Math.exp((rand() - 0.5) * 0.04);
    w.close[i] = price;
    w.high[i] = price * (1 + rand() * 0.02);
    w.low[i] = price * (1 - rand() * 0.02);
    w.volume[i] = Math.round(1e5 + rand() * 1e6);
  }
  return w;
}

// ---- Baseline: the same math as the kernels as bare single-pass loops (no checks, no abstraction). ----

function baseSma(x: Float64Array, p: number, o: Float64Array): void {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < p - 1; i++) {
    s += x[i];
    o[i] = Number.NaN;
  }
  for (let i = p - 1; i < n; i++) {
    s += x[i];
    o[i] = s / p;
    s -= x[i - p + 1];
  }
}

function baseEma(x: Float64Array, p: number, o: Float64Array): void {
  const n = x.length;
  const k = 2 / (p + 1);
  let e = 0;
  for (let i = 0; i < p; i++) {
    e += x[i];
    o[i] = Number.NaN;
  }
  e /= p;
  o[p - 1] = e;
  for (let i = p; i < n; i++) {
    e = (x[i] - e) * k + e;
    o[i] = e;
  }
}

function baseRsi(x: Float64Array, p: number, o: Float64Array): void {
  const n = x.length;
  let g = 0;
  let l = 0;
  for (let i = 1; i <= p; i++) {
    const d = x[i] - x[i - 1];
    if (d < 0) l -= d;
    else g += d;
    o[i - 1] = Number.NaN;
  }
  g /= p;
  l /= p;
  let t = g + l;
  o[p] = t > -1e-14 && t < 1e-14 ? 0 : 100 * (g / t);
  for (let i = p + 1; i < n; i++) {
    const d = x[i] - x[i - 1];
    l *= p - 1;
    g *= p - 1;
    if (d < 0) l -= d;
    else g += d;
    l /= p;
    g /= p;
    t = g + l;
    o[i] = t > -1e-14 && t < 1e-14 ? 0 : 100 * (g / t);
  }
}

function baseMacd(x: Float64Array, m: Float64Array, s: Float64Array, h: Float64Array): void {
  const n = x.length;
  const kS = 2 / 27;
  const kF = 2 / 13;
  const kG = 0.2;
  let slow = 0;
  let fast = 0;
  for (let i = 0; i < 26; i++) slow += x[i];
  for (let i = 14; i < 26; i++) fast += x[i];
  slow /= 26;
  fast /= 12;
  let line = fast - slow;
  let sig = line;
  for (let i = 0; i < 33; i++) m[i] = s[i] = h[i] = Number.NaN;
  for (let i = 26; i <= 33; i++) {
    slow = (x[i] - slow) * kS + slow;
    fast = (x[i] - fast) * kF + fast;
    line = fast - slow;
    sig += line;
  }
  sig /= 9;
  m[33] = line;
  s[33] = sig;
  h[33] = line - sig;
  for (let i = 34; i < n; i++) {
    slow = (x[i] - slow) * kS + slow;
    fast = (x[i] - fast) * kF + fast;
    line = fast - slow;
    sig = (line - sig) * kG + sig;
    m[i] = line;
    s[i] = sig;
    h[i] = line - sig;
  }
}

function baseBbands(x: Float64Array, p: number, k: number, u: Float64Array, mid: Float64Array, lo: Float64Array): void {
  const n = x.length;
  let s = 0;
  let q = 0;
  for (let i = 0; i < p - 1; i++) {
    s += x[i];
    q += x[i] * x[i];
    u[i] = mid[i] = lo[i] = Number.NaN;
  }
  for (let i = p - 1; i < n; i++) {
    const v = x[i];
    s += v;
    q += v * v;
    const a = s / p;
    const b = q / p;
    const old = x[i - p + 1];
    s -= old;
    q -= old * old;
    const va = b - a * a;
    const w = (va < 1e-14 ? 0 : Math.sqrt(va)) * k;
    mid[i] = a;
    u[i] = a + w;
    lo[i] = a - w;
  }
}

/** Branch-free max pick, as in the kernel (see atr.ts): the winner of the three is a coin flip. */
const pk = new Float64Array(2);

function baseAtr(hi: Float64Array, lo: Float64Array, c: Float64Array, p: number, o: Float64Array): void {
  const n = c.length;
  let a = 0;
  o[0] = Number.NaN;
  for (let i = 1; i <= p; i++) {
    const r = hi[i] - lo[i];
    const u = Math.abs(c[i - 1] - hi[i]);
    const d = Math.abs(c[i - 1] - lo[i]);
    pk[0] = r;
    pk[1] = u;
    let tr = pk[+(u > r)];
    pk[0] = tr;
    pk[1] = d;
    tr = pk[+(d > tr)];
    a += tr;
    o[i] = Number.NaN;
  }
  a /= p;
  o[p] = a;
  for (let i = p + 1; i < n; i++) {
    const r = hi[i] - lo[i];
    const u = Math.abs(c[i - 1] - hi[i]);
    const d = Math.abs(c[i - 1] - lo[i]);
    pk[0] = r;
    pk[1] = u;
    let tr = pk[+(u > r)];
    pk[0] = tr;
    pk[1] = d;
    tr = pk[+(d > tr)];
    a = (a * (p - 1) + tr) / p;
    o[i] = a;
  }
}

// ---- Measurement ----

function timeOnce(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Max relative difference of two lines, NaN positions required to agree (Infinity when they do not). */
function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.POSITIVE_INFINITY;
      continue;
    }
    const d = Math.abs(x - y) / Math.max(1, Math.abs(y));
    if (d > worst) worst = d;
  }
  return worst;
}

interface Contender {
  ours: () => void;
  baseline: () => void;
  talib: () => void;
  slow: () => void;
  /** ours vs baseline output agreement, checked once. */
  check: () => number;
}

export const analysisKernelsSection: BenchSection = {
  name: 'analysis-kernels',
  description:
    'TA-Lib-exact kernels on a 1M-point random walk vs technicalindicators, the talib binding and bare loops',
  async run(ctx) {
    const talib = createRequire(import.meta.url)('talib') as TalibBinding;
    const w = randomWalk(N, 20240601);
    const n = N;
    const f = () => new Float64Array(n);
    // Reused output buffers: what a whole-market run does across tickers.
    const o = { sma: f(), ema: f(), rsi: f(), atr: f() };
    const om = { macd: f(), signal: f(), hist: f() };
    const ob = { upper: f(), middle: f(), lower: f() };
    const b = { sma: f(), ema: f(), rsi: f(), atr: f(), m: f(), s: f(), h: f(), u: f(), mid: f(), lo: f() };
    // The binding only reads plain Arrays; converting the columns is done once, outside the timings,
    // so its figure is the binding's own copy in and out plus TA-Lib's C loop.
    const arr = { close: Array.from(w.close), high: Array.from(w.high), low: Array.from(w.low) };
    const end = n - 1;
    const sc = Array.from(w.close.subarray(0, SLOW_SLICE));
    const sh = Array.from(w.high.subarray(0, SLOW_SLICE));
    const sl = Array.from(w.low.subarray(0, SLOW_SLICE));
    let sink = 0; // keeps results observable so no call is optimised away

    const contenders: Record<string, Contender> = {
      'sma(50)': {
        ours: () => sma(w.close, 50, o.sma),
        baseline: () => baseSma(w.close, 50, b.sma),
        talib: () => {
          sink += talib.execute({
            name: 'SMA',
            startIdx: 0,
            endIdx: end,
            inReal: arr.close,
            optInTimePeriod: 50,
          }).nbElement;
        },
        slow: () => {
          sink += ti.SMA.calculate({ period: 50, values: sc }).length;
        },
        check: () => maxRelDiff(o.sma, b.sma),
      },
      'ema(20)': {
        ours: () => ema(w.close, 20, o.ema),
        baseline: () => baseEma(w.close, 20, b.ema),
        talib: () => {
          sink += talib.execute({
            name: 'EMA',
            startIdx: 0,
            endIdx: end,
            inReal: arr.close,
            optInTimePeriod: 20,
          }).nbElement;
        },
        slow: () => {
          sink += ti.EMA.calculate({ period: 20, values: sc }).length;
        },
        check: () => maxRelDiff(o.ema, b.ema),
      },
      'rsi(14)': {
        ours: () => rsi(w.close, 14, o.rsi),
        baseline: () => baseRsi(w.close, 14, b.rsi),
        talib: () => {
          sink += talib.execute({
            name: 'RSI',
            startIdx: 0,
            endIdx: end,
            inReal: arr.close,
            optInTimePeriod: 14,
          }).nbElement;
        },
        slow: () => {
          sink += ti.RSI.calculate({ period: 14, values: sc }).length;
        },
        check: () => maxRelDiff(o.rsi, b.rsi),
      },
      'macd(12,26,9)': {
        ours: () => macd(w.close, 12, 26, 9, om),
        baseline: () => baseMacd(w.close, b.m, b.s, b.h),
        talib: () => {
          sink += talib.execute({
            name: 'MACD',
            startIdx: 0,
            endIdx: end,
            inReal: arr.close,
            optInFastPeriod: 12,
            optInSlowPeriod: 26,
            optInSignalPeriod: 9,
          }).nbElement;
        },
        slow: () => {
          sink += ti.MACD.calculate({
            values: sc,
            fastPeriod: 12,
            slowPeriod: 26,
            signalPeriod: 9,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }).length;
        },
        check: () => Math.max(maxRelDiff(om.macd, b.m), maxRelDiff(om.signal, b.s), maxRelDiff(om.hist, b.h)),
      },
      'bbands(20,2)': {
        ours: () => bbands(w.close, 20, 2, ob),
        baseline: () => baseBbands(w.close, 20, 2, b.u, b.mid, b.lo),
        talib: () => {
          sink += talib.execute({
            name: 'BBANDS',
            startIdx: 0,
            endIdx: end,
            inReal: arr.close,
            optInTimePeriod: 20,
            optInNbDevUp: 2,
            optInNbDevDn: 2,
            optInMAType: 0,
          }).nbElement;
        },
        slow: () => {
          sink += ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: sc }).length;
        },
        check: () => Math.max(maxRelDiff(ob.upper, b.u), maxRelDiff(ob.middle, b.mid), maxRelDiff(ob.lower, b.lo)),
      },
      'atr(14)': {
        ours: () => atr(w.high, w.low, w.close, 14, o.atr),
        baseline: () => baseAtr(w.high, w.low, w.close, 14, b.atr),
        talib: () => {
          sink += talib.execute({
            name: 'ATR',
            startIdx: 0,
            endIdx: end,
            high: arr.high,
            low: arr.low,
            close: arr.close,
            optInTimePeriod: 14,
          }).nbElement;
        },
        slow: () => {
          sink += ti.ATR.calculate({ period: 14, high: sh, low: sl, close: sc }).length;
        },
        check: () => maxRelDiff(o.atr, b.atr),
      },
    };

    const figures: BenchFigure[] = [];
    const samples: Record<string, Record<string, number[]>> = {};
    const agreement: Record<string, number> = {};
    const totals = { ours: 0, baseline: 0, talib: 0, technicalindicators: 0 };
    const scale = N / SLOW_SLICE;
    const entries = Object.entries(contenders);
    const ours: Record<string, number[]> = {};
    const base: Record<string, number[]> = {};
    const tal: Record<string, number[]> = {};
    const slow: Record<string, number[]> = {};
    // Phase 1, ours and the bare loops, before the other libraries fill the heap: on a 2-core machine V8's
    // background GC threads would otherwise compete with the loops being timed.
    for (const [name, c] of entries) {
      ctx.log(`${name}: ours and bare loop`);
      for (let i = 0; i < 3; i++) {
        c.ours();
        c.baseline();
      }
      agreement[name] = c.check();
      ours[name] = [];
      base[name] = [];
      // Interleaved, so a burst of load from other processes hits both sides alike.
      for (let r = 0; r < REPS_FAST; r++) {
        if (r % 2 === 0) {
          ours[name].push(timeOnce(c.ours));
          base[name].push(timeOnce(c.baseline));
        } else {
          base[name].push(timeOnce(c.baseline));
          ours[name].push(timeOnce(c.ours));
        }
      }
    }
    // Phase 2, the reference libraries.
    for (const [name, c] of entries) {
      ctx.log(`${name}: talib and technicalindicators`);
      c.slow();
      c.slow();
      tal[name] = [];
      slow[name] = [];
      for (let r = 0; r < REPS_TALIB; r++) tal[name].push(timeOnce(c.talib));
      for (let r = 0; r < REPS_TI; r++) slow[name].push(timeOnce(c.slow) * scale);
    }
    for (const [name] of entries) {
      const mOurs = median(ours[name]);
      const mBase = median(base[name]);
      const mTalib = median(tal[name]);
      const mSlow = median(slow[name]);
      totals.ours += mOurs;
      totals.baseline += mBase;
      totals.talib += mTalib;
      totals.technicalindicators += mSlow;
      samples[name] = { ours: ours[name], baseline: base[name], talib: tal[name], technicalindicators: slow[name] };
      figures.push(
        info(`${name} ours`, mOurs, 'ms', `median of ${REPS_FAST}, 1M points, reused out buffers`),
        info(`${name} bare loop`, mBase, 'ms', `median of ${REPS_FAST}; max rel diff vs ours ${agreement[name]}`),
        info(`${name} talib binding`, mTalib, 'ms', `median of ${REPS_TALIB}, plain Arrays, binding copy in/out`),
        info(
          `${name} technicalindicators`,
          mSlow,
          'ms',
          `median of ${REPS_TI} on ${SLOW_SLICE / 1000}k points x ${scale} (linear)`,
        ),
        atLeast(`${name} speedup vs technicalindicators`, mSlow / mOurs, 'x', 20),
        atLeast(`${name} speedup vs talib`, mTalib / mOurs, 'x', 20),
        atMost(`${name} ours / bare loop`, mOurs / mBase, 'ratio', 1.3),
      );
    }
    figures.push(
      info('six indicators, ours', totals.ours, 'ms', 'sum of the medians, 1M points'),
      info('six indicators, bare loops', totals.baseline, 'ms'),
      info('six indicators, talib binding', totals.talib, 'ms'),
      info('six indicators, technicalindicators', totals.technicalindicators, 'ms', 'scaled from 100k points'),
    );
    return {
      figures,
      details: {
        points: N,
        slowSlice: SLOW_SLICE,
        oursVsBareLoopMaxRelDiff: agreement,
        samplesMs: samples,
        sink,
        note: 'Machine shared with other processes while measuring; medians, not minima.',
      },
    };
  },
};
