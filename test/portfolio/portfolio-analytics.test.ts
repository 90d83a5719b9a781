import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import type { Portfolio, PortfolioTransaction } from '../../src/domain/portfolio.js';
import {
  type ClosePath,
  computePortfolioAnalytics,
  MissingFxError,
} from '../../src/portfolio/compute-portfolio-analytics.js';
import { irr } from '../../src/portfolio/return-statistics.js';

/**
 * Real closes of AAPL, MSFT and XOM (the benchmark here) from the bundled sample
 * (sample/prices-2013-2018.csv.gz), 2017-12-27 .. 2018-01-05.
 */
const DATES = ['2017-12-27', '2017-12-28', '2017-12-29', '2018-01-02', '2018-01-03', '2018-01-04', '2018-01-05'];
const CLOSES: Record<string, number[]> = {
  AAPL: [170.6, 171.08, 169.23, 172.26, 172.23, 173.03, 175.0],
  MSFT: [85.71, 85.72, 85.54, 85.95, 86.35, 87.11, 88.19],
  XOM: [83.9, 84.02, 83.64, 85.03, 86.7, 86.82, 86.75],
};

function path(dates: readonly string[], closes: readonly number[]): ClosePath {
  return { dates: Int32Array.from(dates, dayFromIso), close: Float64Array.from(closes) };
}

function tx(
  date: string,
  symbol: string,
  type: PortfolioTransaction['type'],
  quantity: number,
  price: number,
  fees = 0,
  currency = 'USD',
): PortfolioTransaction {
  return { date: dayFromIso(date), symbol, type, quantity, price, fees, currency };
}

function portfolio(transactions: PortfolioTransaction[], baseCurrency = 'USD'): Portfolio {
  return { name: 't', baseCurrency, source: null, transactions, updatedAt: new Date(0) };
}

const close = (a: number, b: number, what: string, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`);

describe('portfolio analytics on a small real portfolio', () => {
  // Buy 10 AAPL at 170.10 (fee 1), buy 20 MSFT at 85.90, sell 5 AAPL at 172.53 (fee 1), a MSFT dividend
  // of 0.42 on 20 shares.
  const p = portfolio([
    tx('2017-12-27', 'AAPL', 'buy', 10, 170.1, 1),
    tx('2017-12-28', 'MSFT', 'buy', 20, 85.9),
    tx('2018-01-03', 'AAPL', 'sell', 5, 172.53, 1),
    tx('2018-01-04', 'MSFT', 'dividend', 20, 0.42),
  ]);
  const series = new Map(Object.entries(CLOSES).map(([s, c]) => [s, path(DATES, c)]));
  const a = computePortfolioAnalytics({
    portfolio: p,
    series,
    benchmark: 'XOM',
    sectors: new Map([['AAPL', 'Information Technology']]),
  });

  // By hand: V_t = shares x close + cash (dividends); F_t = buy cost incl. fees, minus sale proceeds net of fees;
  // r_t = (V_t - V_{t-1} - F_t) / (V_{t-1} + F_t).
  //   12-27  V = 10 x 170.60                            = 1706.00   F = 1702      r = 4 / 1702
  //   12-28  V = 10 x 171.08 + 20 x 85.72                = 3425.20   F = 1718      r = 1.2 / 3424
  //   12-29  V = 1692.30 + 1710.80                       = 3403.10                 r = -22.1 / 3425.2
  //   01-02  V = 1722.60 + 1719.00                       = 3441.60                 r = 38.5 / 3403.1
  //   01-03  V = 5 x 172.23 + 20 x 86.35                 = 2588.15   F = -861.65   r = 8.2 / 2579.95
  //   01-04  V = 865.15 + 1742.20 + 8.40 cash            = 2615.75                 r = 27.6 / 2588.15
  //   01-05  V = 875.00 + 1763.80 + 8.40                 = 2647.20                 r = 31.45 / 2615.75
  const r = [4 / 1702, 1.2 / 3424, -22.1 / 3425.2, 38.5 / 3403.1, 8.2 / 2579.95, 27.6 / 2588.15, 31.45 / 2615.75];
  const values = [1706, 3425.2, 3403.1, 3441.6, 2588.15, 2615.75, 2647.2];

  it('values the portfolio day by day as shares x close plus dividends kept as cash', () => {
    assert.deepEqual(a.equityCurve.dates, DATES);
    for (const [i, v] of a.equityCurve.value.entries()) close(v, values[i], `value on ${DATES[i]}`);
    close(a.value, 2647.2, 'value');
    close(a.cash, 8.4, 'cash');
    close(a.invested, 3420, 'invested = 1702 + 1718');
  });

  it('splits P&L into realised (average cost), unrealised and dividends', () => {
    // AAPL average cost 1702 / 10 = 170.2; sale: 5 x 172.53 - 1 = 861.65 - 5 x 170.2 = 10.65 realised.
    const aapl = a.holdings.find((h) => h.symbol === 'AAPL')!;
    const msft = a.holdings.find((h) => h.symbol === 'MSFT')!;
    close(aapl.realisedPnl, 10.65, 'AAPL realised');
    close(aapl.costBasis, 851, 'AAPL cost of the 5 left');
    close(aapl.unrealisedPnl, 875 - 851, 'AAPL unrealised');
    close(msft.unrealisedPnl, 1763.8 - 1718, 'MSFT unrealised');
    close(msft.dividends, 8.4, 'MSFT dividends');
    // Total P&L = value + proceeds - invested = 2647.2 + 861.65 - 3420.
    close(a.totalPnl, 88.85, 'total P&L');
    close(aapl.weight, 875 / 2647.2, 'AAPL weight');
    assert.equal(aapl.sector, 'Information Technology');
    assert.equal(msft.sector, 'Unknown');
  });

  it('chains the daily returns into the time-weighted return', () => {
    const twr = r.reduce((g, x) => g * (1 + x), 1) - 1;
    close(a.timeWeightedReturn, twr, 'TWR');
    close(a.totalReturn, twr, 'total return');
    close(a.dailyReturn, 31.45 / 2615.75, 'daily return');
  });

  it('takes the money-weighted return as the IRR of the dated flows', () => {
    // -1702 on 12-27, -1718 on 12-28, +861.65 on 01-03, +2647.2 (the value) on 01-05: NPV at the rate is 0.
    const flows = [
      { day: dayFromIso('2017-12-27'), amount: -1702 },
      { day: dayFromIso('2017-12-28'), amount: -1718 },
      { day: dayFromIso('2018-01-03'), amount: 861.65 },
      { day: dayFromIso('2018-01-05'), amount: 2647.2 },
    ];
    const npv = flows.reduce((s, f) => s + f.amount / (1 + a.moneyWeightedReturn) ** ((f.day - flows[0].day) / 365), 0);
    assert.ok(Math.abs(npv) < 1e-6, `NPV at the MWR is ${npv}`);
    // 88.85 gained on about 3,420 over 9 days annualises far above 100 %.
    assert.ok(a.moneyWeightedReturn > 1, `MWR ${a.moneyWeightedReturn}`);
    close(a.moneyWeightedReturn, irr(flows), 'MWR');
  });

  it('computes volatility, Sharpe, drawdown, beta and correlation with the stated formulas', () => {
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1));
    close(a.volatility, sd * Math.sqrt(252), 'volatility = sd x sqrt(252)');
    close(a.sharpe, (m / sd) * Math.sqrt(252), 'Sharpe = mean / sd x sqrt(252), rf 0');
    // One down day (12-29) between rises: the drawdown is that day's fall.
    close(a.maxDrawdown, 22.1 / 3425.2, 'max drawdown');
    // Beta and correlation pair each portfolio return from 12-28 on with XOM's close-to-close return.
    const x = CLOSES.XOM;
    const rb = x.slice(1).map((c, i) => c / x[i] - 1);
    const rp = r.slice(1);
    const mp = rp.reduce((s, v) => s + v, 0) / rp.length;
    const mb = rb.reduce((s, v) => s + v, 0) / rb.length;
    const cov = rp.reduce((s, v, i) => s + (v - mp) * (rb[i] - mb), 0) / (rp.length - 1);
    const varB = rb.reduce((s, v) => s + (v - mb) ** 2, 0) / (rb.length - 1);
    const varP = rp.reduce((s, v) => s + (v - mp) ** 2, 0) / (rp.length - 1);
    close(a.beta, cov / varB, 'beta');
    close(a.correlation, cov / Math.sqrt(varB * varP), 'correlation');
    close(a.benchmarkReturn, 86.75 / 83.9 - 1, 'benchmark return');
  });

  it('attributes each day to the holdings so contributions add up to the sum of daily returns', () => {
    // AAPL: 4/1702 + 4.8/3424 - 18.5/3425.2 + 30.3/3403.1 + (861.15 - 1722.6 + 861.65)/2579.95 + 4/2588.15 + 9.85/2615.75
    const aapl = 4 / 1702 + 4.8 / 3424 - 18.5 / 3425.2 + 30.3 / 3403.1 + 0.2 / 2579.95 + 4 / 2588.15 + 9.85 / 2615.75;
    close(a.holdings.find((h) => h.symbol === 'AAPL')!.contribution, aapl, 'AAPL contribution');
    const sum = a.holdings.reduce((s, h) => s + h.contribution, 0);
    close(
      sum,
      r.reduce((s, x) => s + x, 0),
      'contributions add up to the daily returns',
    );
  });

  it('allocates the value held by sector', () => {
    assert.deepEqual(
      a.sectors.map((s) => s.sector),
      ['Unknown', 'Information Technology'],
    );
    close(a.sectors[1].value, 875, 'technology value');
  });
});

describe('portfolio analytics: splits, currencies, underperformers', () => {
  it('counts shares bought before a split in today’s share terms against split-adjusted closes', () => {
    // 10 shares at 400 before a 4-for-1 split on day 2: 40 shares today; the closes are split-adjusted (100, 101, 103).
    const a = computePortfolioAnalytics({
      portfolio: portfolio([tx('2024-01-02', 'X', 'buy', 10, 400), tx('2024-01-03', 'X', 'split', 4, 0)]),
      series: new Map([['X', path(['2024-01-02', '2024-01-03', '2024-01-04'], [100, 101, 103])]]),
    });
    assert.equal(a.holdings[0].shares, 40);
    close(a.value, 40 * 103, 'value');
    close(a.timeWeightedReturn, 103 / 100 - 1, 'TWR');
  });

  it('converts a euro holding with the daily EURUSD=X close', () => {
    // 10 shares at 100 EUR bought when a euro was 1.10 dollars: 1100 USD in; the next day 101 EUR at 1.20 = 1212 USD.
    const a = computePortfolioAnalytics({
      portfolio: portfolio([tx('2024-01-02', 'SAP.DE', 'buy', 10, 100, 0, 'EUR')]),
      series: new Map([
        ['SAP.DE', path(['2024-01-02', '2024-01-03'], [100, 101])],
        ['EURUSD=X', path(['2024-01-02', '2024-01-03'], [1.1, 1.2])],
      ]),
    });
    close(a.invested, 1100, 'invested');
    close(a.value, 1212, 'value');
    close(a.timeWeightedReturn, 1212 / 1100 - 1, 'TWR');
  });

  it('values a holding with no stored bars at its trade price, and at nothing before it is bought', () => {
    // A has bars on both days; B (unlisted, no bars) is bought on day 2 at 50: day 1 is A alone.
    const a = computePortfolioAnalytics({
      portfolio: portfolio([tx('2024-01-02', 'A', 'buy', 1, 10), tx('2024-01-03', 'B', 'buy', 2, 50)]),
      series: new Map([['A', path(['2024-01-02', '2024-01-03'], [10, 11])]]),
    });
    assert.deepEqual(a.equityCurve.value, [10, 11 + 100]);
    // Day 2: r = (111 - 10 - 100) / (10 + 100): A's gain of 1 on the day's capital, B flat at its own price.
    close(a.timeWeightedReturn, 1 / 110, 'TWR');
    assert.deepEqual(a.warnings, [
      'B: no stored bars; valued at its last trade price',
      'benchmark SPY: no stored bars; beta and correlation are null',
    ]);
  });

  it('refuses to guess a rate when the FX pair has no bars', () => {
    assert.throws(
      () =>
        computePortfolioAnalytics({
          portfolio: portfolio([tx('2024-01-02', 'SAP.DE', 'buy', 1, 100, 0, 'EUR')]),
          series: new Map([['SAP.DE', path(['2024-01-02'], [100])]]),
        }),
      (e: unknown) => e instanceof MissingFxError && /EURUSD=X/.test(e.message),
    );
  });

  it('flags a holding below its moving average, past the drawdown limit and behind the benchmark', () => {
    // 260 days rising 100 -> 359, then 10 days falling 2 a day to 339: below neither the 200-day mean
    // (about 259) nor 20 % off the high (359), but behind a benchmark that rose 10 % over the last 5 days.
    const days = Array.from({ length: 270 }, (_, i) => {
      const d = new Date(Date.UTC(2023, 0, 2) + i * 86_400_000);
      return d.toISOString().slice(0, 10);
    });
    const up = days.map((_, i) => (i < 260 ? 100 + i : 359 - 2 * (i - 259)));
    const crash = days.map((_, i) => (i < 260 ? 100 + i : 200 - i / 10));
    const bench = days.map((_, i) => (i < 265 ? 100 : 110));
    const a = computePortfolioAnalytics({
      portfolio: portfolio([tx(days[0], 'UP', 'buy', 1, 100), tx(days[0], 'CRASH', 'buy', 1, 100)]),
      series: new Map([
        ['UP', path(days, up)],
        ['CRASH', path(days, crash)],
        ['SPY', path(days, bench)],
      ]),
      underperformers: { periodDays: 5 },
    });
    const bySymbol = new Map(a.underperformers.map((u) => [u.symbol, u.reasons]));
    assert.equal(bySymbol.get('UP')?.length, 1, String(bySymbol.get('UP')));
    assert.match(bySymbol.get('UP')![0], /over 5 days against 10\.0 %/);
    const crashReasons = bySymbol.get('CRASH')!.join(' | ');
    assert.match(crashReasons, /below its 200-day average/);
    assert.match(crashReasons, /below its one-year high 359/);
  });
});
