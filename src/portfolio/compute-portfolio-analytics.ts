import { isoFromDay } from '../domain/epoch-day.js';
import { fxSymbol, type Portfolio } from '../domain/portfolio.js';
import { alignCloses, unionCalendar } from './price-path.js';
import { irr, maxDrawdown, mean, sampleCov, sampleSd, TRADING_DAYS } from './return-statistics.js';

/** A stored series as analytics reads it: exchange dates and split-adjusted closes. */
export interface ClosePath {
  dates: Int32Array;
  close: Float64Array;
}

export interface PortfolioAnalyticsInput {
  portfolio: Portfolio;
  /** Closes of every held symbol, of the FX pairs its currencies need (EURUSD=X) and of the benchmark. */
  series: ReadonlyMap<string, ClosePath>;
  /** Sector per symbol where known. */
  sectors?: ReadonlyMap<string, string>;
  benchmark?: string;
  /** Annual risk-free rate for Sharpe (0.02 = 2 %); default 0. */
  riskFreeRate?: number;
  underperformers?: UnderperformerRules;
}

/** What makes a holding an underperformer; a rule set to 0 is off. */
export interface UnderperformerRules {
  /** Trading days over which a holding's price return is compared with the benchmark's (default 63, a quarter). */
  periodDays?: number;
  /** Lagging the benchmark by more than this fraction over the period counts (default 0: any lag). */
  margin?: number;
  /** Last close below the simple moving average of this many closes (default 200). */
  smaDays?: number;
  /** Down at least this fraction from the highest close of the last 252 days (default 0.2). */
  drawdown?: number;
}

export interface HoldingFigures {
  symbol: string;
  currency: string;
  sector: string;
  /** Shares held, in today's share terms (splits applied). */
  shares: number;
  /** Last close in the holding's currency, and the day it is from. */
  price: number;
  priceDate: string | null;
  value: number;
  weight: number;
  /** Average cost of the shares held, fees included, in the base currency. */
  costBasis: number;
  unrealisedPnl: number;
  realisedPnl: number;
  dividends: number;
  /** Sum over days of the holding's P&L over the portfolio's value at the start of the day. */
  contribution: number;
}

export interface Underperformer {
  symbol: string;
  reasons: string[];
}

export interface PortfolioAnalytics {
  name: string;
  baseCurrency: string;
  benchmark: string;
  asOf: string | null;
  firstDate: string | null;
  value: number;
  /** Dividends received and kept as cash, in the base currency. */
  cash: number;
  invested: number;
  unrealisedPnl: number;
  realisedPnl: number;
  dividends: number;
  totalPnl: number;
  /** Time-weighted: the product of the daily returns between flows, minus 1. */
  timeWeightedReturn: number;
  /** Money-weighted: the annual IRR of the dated buys, sales and today's value. */
  moneyWeightedReturn: number;
  dailyReturn: number;
  totalReturn: number;
  volatility: number;
  sharpe: number;
  maxDrawdown: number;
  beta: number;
  correlation: number;
  benchmarkReturn: number;
  holdings: HoldingFigures[];
  sectors: { sector: string; value: number; weight: number }[];
  underperformers: Underperformer[];
  /** Dates, the portfolio's value and growth index (1 at the start), and the benchmark's growth index. */
  equityCurve: { dates: string[]; value: number[]; index: number[]; benchmark: (number | null)[] };
  /** Data that could not be found (a holding valued at its trade price, a benchmark with no bars). */
  warnings: string[];
}

/** A holding needs an FX series that is not stored: its value in the base currency cannot be known. */
export class MissingFxError extends Error {
  constructor(
    readonly pair: string,
    currency: string,
    base: string,
  ) {
    super(
      `no stored bars for ${pair}, needed to convert ${currency} holdings to ${base}; fetch it: marketdeck fetch --tickers ${pair}`,
    );
    this.name = 'MissingFxError';
  }
}

interface Lane {
  symbol: string;
  currency: string;
  /** The holding's own stored closes (empty when it has none), walked alongside the calendar. */
  dates: Int32Array;
  close: Float64Array;
  /** The base-currency rate on each calendar day, shared by every holding of one currency. */
  fx: Float64Array;
  /** Quantity normalised to today's share terms (later splits multiplied in), by transaction. */
  events: { i: number; type: string; q: number; price: number; fees: number; amount: number }[];
}

/**
 * Every portfolio figure from its transactions and stored closes, in the base currency. The model:
 * - Value V_t = sum over holdings of shares x close x FX, plus cash, where cash is the dividends received.
 *   Closes are split-adjusted (as Yahoo and the bundled files store them), so each trade's quantity is
 *   multiplied by the ratios of the splits recorded after it; a split transaction changes no value.
 * - Flows F_t: a buy brings in quantity x price + fees, a sale takes out quantity x price - fees.
 * - Daily return r_t = (V_t - V_{t-1} - F_t) / (V_{t-1} + F_t): flows at the start of the day.
 * - TWR = prod(1 + r_t) - 1; MWR = IRR of -buys, +sales and +V_last (see irr).
 * - Volatility = sd(r) x sqrt(252); Sharpe = (mean(r) - rf/252) / sd(r) x sqrt(252); beta = cov(r, rb) /
 *   var(rb) and correlation over days both have, rb the benchmark's close-to-close return; max drawdown on
 *   the growth index prod(1 + r).
 * - Realised P&L by average cost; unrealised = value - average cost of the shares held.
 * - Contribution of a holding = sum_t its P&L on day t / (V_{t-1} + F_t); contributions add up to sum_t r_t.
 */
export function computePortfolioAnalytics(input: PortfolioAnalyticsInput): PortfolioAnalytics {
  const { portfolio, series } = input;
  const base = portfolio.baseCurrency;
  const benchmark = input.benchmark ?? 'SPY';
  const warnings: string[] = [];
  const txs = portfolio.transactions;
  const symbols = [...new Set(txs.map((t) => t.symbol))];
  const first = txs.length > 0 ? txs[0].date : 0;
  let last = first;
  for (const s of symbols) {
    const p = series.get(s);
    if (p && p.dates.length > 0) last = Math.max(last, p.dates[p.dates.length - 1]);
  }
  for (const t of txs) last = Math.max(last, t.date);
  const calendar = unionCalendar(
    [...symbols.map((s) => series.get(s)?.dates ?? new Int32Array(0)), Int32Array.from(txs.map((t) => t.date))],
    first,
    last,
  );
  const n = calendar.length;
  const dayIndex = (day: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (calendar[mid] < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const bySymbol = new Map<string, typeof txs>();
  for (const t of txs) {
    const list = bySymbol.get(t.symbol);
    if (list) list.push(t);
    else bySymbol.set(t.symbol, [t]);
  }
  // Every holding in the base currency shares one array of rates of 1.
  // One array of rates per currency, not per holding: 500 holdings x 10 years of aligned prices would be
  // 10 MB to allocate and collect on every call, so each holding's closes are walked in place instead.
  const rates = new Map<string, Float64Array>([[base, new Float64Array(n).fill(1)]]);
  const rateArray = (currency: string): Float64Array => {
    const known = rates.get(currency);
    if (known) return known;
    const pair = fxSymbol(currency, base);
    const fp = series.get(pair);
    if (!fp || fp.dates.length === 0) throw new MissingFxError(pair, currency, base);
    const fx = alignCloses(calendar, fp.dates, fp.close);
    // Before the pair's first bar the first known rate is the best there is.
    const firstRate = fx.find((v) => Number.isFinite(v)) ?? Number.NaN;
    for (let i = 0; i < n && !Number.isFinite(fx[i]); i++) fx[i] = firstRate;
    rates.set(currency, fx);
    return fx;
  };
  const none = new Int32Array(0);
  const lanes: Lane[] = symbols.map((symbol) => {
    const own = bySymbol.get(symbol) ?? [];
    const currency = own[0].currency;
    const path = series.get(symbol);
    if (!path || path.dates.length === 0) warnings.push(`${symbol}: no stored bars; valued at its last trade price`);
    const events = own.map((t) => {
      let later = 1;
      for (const s of own) if (s.type === 'split' && s.date > t.date) later *= s.quantity;
      return {
        i: dayIndex(t.date),
        type: t.type,
        q: t.quantity * later,
        price: t.price / later,
        fees: t.fees,
        amount: t.quantity * t.price,
      };
    });
    return {
      symbol,
      currency,
      dates: path?.dates ?? none,
      close: path?.close ?? new Float64Array(0),
      fx: rateArray(currency),
      events,
    };
  });

  // Lane by lane (one holding over every day) rather than day by day over every holding: each pass walks
  // contiguous arrays, which is what keeps 500 holdings x 10 years within a couple of tens of ms.
  const V = new Float64Array(n);
  const F = new Float64Array(n);
  const income = new Float64Array(n);
  const holdingValue = new Float64Array(lanes.length);
  const shares = new Float64Array(lanes.length);
  const cost = new Float64Array(lanes.length);
  const realised = new Float64Array(lanes.length);
  const dividends = new Float64Array(lanes.length);
  const mwrFlows: { day: number; amount: number }[] = [];
  let invested = 0;
  /** Per lane and event: the shares it adds (negative for a sale), the money it brings in and the cash it pays. */
  const effects = lanes.map((lane, k) =>
    lane.events.map((ev) => {
      const fx = lane.fx[ev.i];
      if (ev.type === 'buy') {
        const amount = (ev.q * ev.price + ev.fees) * fx;
        shares[k] += ev.q;
        cost[k] += amount;
        invested += amount;
        mwrFlows.push({ day: calendar[ev.i], amount: -amount });
        return { i: ev.i, dq: ev.q, flow: amount, cash: 0, trade: ev.price };
      }
      if (ev.type === 'sell') {
        const proceeds = (ev.q * ev.price - ev.fees) * fx;
        const avg = shares[k] > 0 ? cost[k] / shares[k] : 0;
        realised[k] += proceeds - avg * ev.q;
        cost[k] -= avg * ev.q;
        shares[k] -= ev.q;
        if (Math.abs(shares[k]) < 1e-9) {
          shares[k] = 0;
          cost[k] = 0;
        }
        mwrFlows.push({ day: calendar[ev.i], amount: proceeds });
        return { i: ev.i, dq: -ev.q, flow: -proceeds, cash: 0, trade: ev.price };
      }
      if (ev.type === 'dividend') {
        const amount = ev.amount * fx;
        dividends[k] += amount;
        return { i: ev.i, dq: 0, flow: 0, cash: amount, trade: Number.NaN };
      }
      return { i: ev.i, dq: 0, flow: 0, cash: 0, trade: Number.NaN };
    }),
  );
  // Pass 1, lane by lane: each holding's value every day, replaying its shares from its events.
  const laneValue = new Float64Array(n);
  const laneNet = new Float64Array(n);
  /** The last price each holding was valued at (its last close, or its last trade when it has no bars). */
  const lastPrice = new Float64Array(lanes.length).fill(Number.NaN);
  /**
   * Fills laneValue (the holding's value each day) and laneNet (its flows minus its cash income on event
   * days) for holding k. A day is priced at the last close on or before it; before the first close, or for a
   * holding with none, at its last trade.
   */
  const replay = (k: number): void => {
    const { dates, close, fx } = lanes[k];
    const evs = effects[k];
    let held = 0;
    let e = 0;
    let next = evs.length > 0 ? evs[0].i : n;
    let j = 0;
    let lastClose = Number.NaN;
    let lastTrade = Number.NaN;
    for (let i = 0; i < n; i++) {
      if (i === next) {
        let net = 0;
        while (e < evs.length && evs[e].i === i) {
          held += evs[e].dq;
          net += evs[e].flow - evs[e].cash;
          if (!Number.isNaN(evs[e].trade)) lastTrade = evs[e].trade;
          e++;
        }
        if (Math.abs(held) < 1e-9) held = 0;
        laneNet[i] = net;
        next = e < evs.length ? evs[e].i : n;
      } else laneNet[i] = 0;
      const day = calendar[i];
      while (j < dates.length && dates[j] <= day) {
        if (Number.isFinite(close[j])) lastClose = close[j];
        j++;
      }
      const price = Number.isNaN(lastClose) ? lastTrade : lastClose;
      // Before a holding's first trade its price may be unknown (NaN): nothing held is worth 0.
      laneValue[i] = held === 0 ? 0 : held * price * fx[i];
      if (i === n - 1) lastPrice[k] = price;
    }
  };
  for (let k = 0; k < lanes.length; k++) {
    replay(k);
    for (let i = 0; i < n; i++) V[i] += laneValue[i];
    for (const ev of effects[k]) {
      F[ev.i] += ev.flow;
      income[ev.i] += ev.cash;
    }
    holdingValue[k] = n > 0 ? laneValue[n - 1] : 0;
  }
  let cashNow = 0;
  for (let i = 0; i < n; i++) {
    cashNow += income[i];
    V[i] += cashNow;
  }
  const r = new Float64Array(n).fill(Number.NaN);
  /** 1 / (V_{t-1} + F_t), the day's starting capital, or 0 on a day with none. */
  const perStart = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const prev = i > 0 ? V[i - 1] : 0;
    const start = prev + F[i];
    if (start > 0) {
      r[i] = (V[i] - prev - F[i]) / start;
      perStart[i] = 1 / start;
    }
  }
  // Pass 2: each holding's daily P&L over the day's starting capital.
  const contribution = new Float64Array(lanes.length);
  for (let k = 0; k < lanes.length; k++) {
    replay(k);
    let prev = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += (laneValue[i] - prev - laneNet[i]) * perStart[i];
      prev = laneValue[i];
    }
    contribution[k] = sum;
  }
  mwrFlows.sort((a, b) => a.day - b.day);

  const bench = series.get(benchmark);
  if (!bench || bench.dates.length === 0)
    warnings.push(`benchmark ${benchmark}: no stored bars; beta and correlation are null`);
  const bpx = alignCloses(calendar, bench?.dates ?? null, bench?.close ?? null);
  const returns: number[] = [];
  const paired: number[] = [];
  const pairedBench: number[] = [];
  const index = new Float64Array(n);
  const benchIndex: (number | null)[] = new Array(n).fill(null);
  let g = 1;
  let b0 = Number.NaN;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(r[i])) {
      g *= 1 + r[i];
      returns.push(r[i]);
      const rb = i > 0 ? bpx[i] / bpx[i - 1] - 1 : Number.NaN;
      if (Number.isFinite(rb)) {
        paired.push(r[i]);
        pairedBench.push(rb);
      }
    }
    index[i] = g;
    if (Number.isFinite(bpx[i])) {
      if (!Number.isFinite(b0)) b0 = bpx[i];
      benchIndex[i] = bpx[i] / b0;
    }
  }
  const value = n > 0 ? V[n - 1] : 0;
  if (value > 0) mwrFlows.push({ day: calendar[n - 1], amount: value });
  const sd = sampleSd(returns);
  const rf = (input.riskFreeRate ?? 0) / TRADING_DAYS;
  const varB = sampleCov(pairedBench, pairedBench);
  const covPB = sampleCov(paired, pairedBench);
  const sdP = sampleSd(paired);
  const lastBench = [...benchIndex].reverse().find((x) => x !== null) ?? null;

  const holdings: HoldingFigures[] = lanes.map((lane, k) => {
    const v = holdingValue[k];
    return {
      symbol: lane.symbol,
      currency: lane.currency,
      sector: input.sectors?.get(lane.symbol) ?? 'Unknown',
      shares: shares[k],
      price: lastPrice[k],
      priceDate: lastPriceDate(series.get(lane.symbol)),
      value: v,
      weight: value > 0 ? v / value : 0,
      costBasis: cost[k],
      unrealisedPnl: v - cost[k],
      realisedPnl: realised[k],
      dividends: dividends[k],
      contribution: contribution[k],
    };
  });
  const bySector = new Map<string, number>();
  for (const h of holdings) if (h.shares > 0) bySector.set(h.sector, (bySector.get(h.sector) ?? 0) + h.value);
  const sum = (f: (h: HoldingFigures) => number) => holdings.reduce((s, h) => s + f(h), 0);
  const unrealisedPnl = sum((h) => h.unrealisedPnl);
  const realisedPnl = sum((h) => h.realisedPnl);
  const dividendTotal = sum((h) => h.dividends);
  const twr = g - 1;
  return {
    name: portfolio.name,
    baseCurrency: base,
    benchmark,
    asOf: n > 0 ? isoFromDay(calendar[n - 1]) : null,
    firstDate: n > 0 ? isoFromDay(calendar[0]) : null,
    value,
    cash: cashNow,
    invested,
    unrealisedPnl,
    realisedPnl,
    dividends: dividendTotal,
    totalPnl: unrealisedPnl + realisedPnl + dividendTotal,
    timeWeightedReturn: twr,
    moneyWeightedReturn: irr(mwrFlows),
    dailyReturn: returns.length > 0 ? returns[returns.length - 1] : Number.NaN,
    totalReturn: twr,
    volatility: sd * Math.sqrt(TRADING_DAYS),
    sharpe: ((mean(returns) - rf) / sd) * Math.sqrt(TRADING_DAYS),
    maxDrawdown: maxDrawdown(index),
    beta: covPB / varB,
    correlation: covPB / (sdP * Math.sqrt(varB)),
    benchmarkReturn: lastBench === null ? Number.NaN : lastBench - 1,
    holdings,
    sectors: [...bySector]
      .map(([sector, v]) => ({ sector, value: v, weight: value > 0 ? v / value : 0 }))
      .sort((a, b) => b.value - a.value),
    underperformers: findUnderperformers(holdings, series, bench ?? null, input.underperformers ?? {}),
    equityCurve: {
      dates: Array.from(calendar, isoFromDay),
      value: Array.from(V),
      index: Array.from(index),
      benchmark: benchIndex,
    },
    warnings,
  };
}

/** The last close on or before `day` (NaN before the first). */
function closeAt(path: ClosePath, day: number): number {
  let lo = 0;
  let hi = path.dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (path.dates[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? path.close[lo - 1] : Number.NaN;
}

function lastPriceDate(path: ClosePath | undefined): string | null {
  return path && path.dates.length > 0 ? isoFromDay(path.dates[path.dates.length - 1]) : null;
}

/**
 * Holdings still held that lag the benchmark over the period, close below their long moving average, or
 * sit past the drawdown threshold from their one-year high; each reason is named with its figures.
 */
function findUnderperformers(
  holdings: readonly Pick<HoldingFigures, 'symbol' | 'shares'>[],
  series: ReadonlyMap<string, ClosePath>,
  bench: ClosePath | null,
  rules: UnderperformerRules,
): Underperformer[] {
  const periodDays = rules.periodDays ?? 63;
  const margin = rules.margin ?? 0;
  const smaDays = rules.smaDays ?? 200;
  const ddLimit = rules.drawdown ?? 0.2;
  const out: Underperformer[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  for (const h of holdings) {
    const p = series.get(h.symbol);
    if (h.shares <= 0 || !p || p.close.length === 0) continue;
    const c = p.close;
    const n = c.length;
    const lastClose = c[n - 1];
    const reasons: string[] = [];
    if (periodDays > 0 && bench && n > periodDays) {
      const own = lastClose / c[n - 1 - periodDays] - 1;
      const theirs = closeAt(bench, p.dates[n - 1]) / closeAt(bench, p.dates[n - 1 - periodDays]) - 1;
      if (Number.isFinite(theirs) && own < theirs - margin) {
        reasons.push(`${pct(own)} over ${periodDays} days against ${pct(theirs)} for the benchmark`);
      }
    }
    if (smaDays > 0 && n >= smaDays) {
      const sma = mean(c.subarray(n - smaDays));
      if (lastClose < sma) reasons.push(`close ${lastClose} below its ${smaDays}-day average ${sma.toFixed(2)}`);
    }
    if (ddLimit > 0) {
      let high = Number.NEGATIVE_INFINITY;
      for (let i = Math.max(0, n - TRADING_DAYS); i < n; i++) if (c[i] > high) high = c[i];
      const dd = 1 - lastClose / high;
      if (dd >= ddLimit) reasons.push(`${pct(dd)} below its one-year high ${high}`);
    }
    if (reasons.length > 0) out.push({ symbol: h.symbol, reasons });
  }
  return out;
}
