import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Bar, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay, isoFromDay } from '../../src/domain/epoch-day.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import type { CoverageReport, TickerCoverage } from '../../src/fetch/coverage-report.js';
import { calendarGroupOf, TradingCalendar } from '../../src/fetch/trading-calendar.js';
import { usEarlyCloses } from '../../src/sources/quality/us-early-closes.js';
import { isUsTradingDay } from '../../src/sources/quality/us-market-holidays.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

const d = (iso: string) => dayFromIso(iso);

/** Every NYSE trading day in [from, to] except the listed ones. */
function nyseDays(from: string, to: string, except: string[] = []): number[] {
  const skip = new Set(except.map(d));
  const out: number[] = [];
  for (let x = d(from); x <= d(to); x++) if (isUsTradingDay(x) && !skip.has(x)) out.push(x);
  return out;
}

function weekdays(from: string, to: string, except: string[] = []): number[] {
  const skip = new Set(except.map(d));
  const out: number[] = [];
  for (let x = d(from); x <= d(to); x++) {
    const wd = new Date(x * 86_400_000).getUTCDay();
    if (wd !== 0 && wd !== 6 && !skip.has(x)) out.push(x);
  }
  return out;
}

function series(symbol: string, days: number[]) {
  return barSeriesFromBars(
    symbol,
    days.map(
      (date, i): Bar => ({
        date: date as EpochDay,
        open: 10 + i,
        high: 11 + i,
        low: 9 + i,
        close: 10 + i,
        adjClose: 10 + i,
        volume: 1000,
      }),
    ),
  );
}

const byS = (r: CoverageReport, s: string) => r.tickers.find((t) => t.symbol === s) as TickerCoverage;
const ranges = (t: TickerCoverage) => t.missing.map((r) => [r.from, r.to, r.days]);

describe('usEarlyCloses', () => {
  it('lists the day before Independence Day, the day after Thanksgiving and Christmas Eve on Mon-Thu', () => {
    assert.deepEqual([...usEarlyCloses(2024)].map(isoFromDay).sort(), ['2024-07-03', '2024-11-29', '2024-12-24']);
    // 2026: 3 July is the Friday the exchange closes for the 4th (a Saturday), so no early close then.
    assert.deepEqual([...usEarlyCloses(2026)].map(isoFromDay).sort(), ['2026-11-27', '2026-12-24']);
    // 2022: Christmas Eve is a Saturday.
    assert.deepEqual([...usEarlyCloses(2022)].map(isoFromDay).sort(), ['2022-11-25']);
  });
});

describe('TradingCalendar', () => {
  it('counts NYSE trading days between two dates, holidays left out and half days in', () => {
    const cal = TradingCalendar.us(d('2024-11-01'), d('2024-12-31'));
    // December 2024: 22 weekdays, Christmas closed.
    assert.equal(cal.countBetween(d('2024-12-01'), d('2024-12-31')), 21);
    assert.equal(cal.isTradingDay(d('2024-11-28')), false, 'Thanksgiving');
    assert.equal(cal.isTradingDay(d('2024-11-29')), true, 'the half day after it');
    assert.equal(cal.isEarlyClose(d('2024-11-29')), true);
    assert.equal(cal.nextTradingDay(d('2024-12-24')), d('2024-12-26'));
    assert.equal(cal.lastTradingDayOnOrBefore(d('2024-12-29')), d('2024-12-27'));
  });

  it('puts foreign listings on their exchange and US class shares and indices on the US calendar', () => {
    assert.equal(calendarGroupOf('BRK.B'), 'NYSE/Nasdaq');
    assert.equal(calendarGroupOf('^GSPC'), 'NYSE/Nasdaq');
    assert.equal(calendarGroupOf('SAP.DE'), '.DE');
    assert.equal(calendarGroupOf('EURUSD=X'), 'currencies');
  });
});

describe('computeCoverage on a store built with known gaps', () => {
  let dir: string;
  let store: SqliteStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-coverage-'));
    store = await SqliteStore.open(join(dir, 'coverage.db'));
    await store.bars.writeTickers([
      // Three days missing in December; Thanksgiving and Christmas closed (not gaps), both half days stored.
      {
        symbol: 'AAA',
        bars: series('AAA', nyseDays('2023-11-01', '2024-12-31', ['2024-12-09', '2024-12-10', '2024-12-11'])),
      },
      // Listed mid-range: expected from its first bar only.
      { symbol: 'BBB', bars: series('BBB', nyseDays('2024-12-02', '2024-12-31')) },
      // Stale: nothing after 20 December.
      { symbol: 'CCC', bars: series('CCC', nyseDays('2024-11-01', '2024-12-20')) },
      // The half day after Thanksgiving is a trading day: its absence is a gap.
      { symbol: 'DDD', bars: series('DDD', nyseDays('2024-11-01', '2024-12-31', ['2024-11-29'])) },
      // Frankfurt: no holiday list, the union of its tickers' dates stands in (BMW traded 2 December).
      {
        symbol: 'SAP.DE',
        bars: series('SAP.DE', weekdays('2024-11-04', '2024-12-31', ['2024-12-02', '2024-12-25', '2024-12-26'])),
      },
      { symbol: 'BMW.DE', bars: series('BMW.DE', weekdays('2024-11-04', '2024-12-31', ['2024-12-25', '2024-12-26'])) },
    ]);
    await store.fetchState.record({
      symbol: 'CCC',
      source: 'yahoo',
      at: new Date('2024-12-21T00:00:00Z'),
      error: null,
    });
    await store.fetchState.record({
      symbol: 'CCC',
      source: 'yahoo',
      at: new Date('2025-01-02T00:00:00Z'),
      error: 'not-found: 404',
    });
    await store.fetchState.record({
      symbol: 'DDD',
      source: 'yahoo',
      at: new Date('2025-01-02T00:00:00Z'),
      error: null,
      flags: [{ kind: 'missing-days', date: d('2024-11-29'), detail: '1 weekday without a bar' }],
    });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (r: CoverageReport) => {
    const a = byS(r, 'AAA');
    assert.deepEqual(ranges(a), [['2024-12-09', '2024-12-11', 3]], 'AAA: the three days, no holiday');
    assert.equal(a.missingDays, 3);
    assert.equal(a.expectedDays, nyseDays('2023-11-01', '2024-12-31').length);
    assert.equal(a.bars, a.expectedDays - 3);
    assert.equal(a.halfDays, 4, '2023-11-24, 2024-07-03, 2024-11-29 and 2024-12-24');
    assert.equal(a.complete, false);
    assert.equal(a.staleSince, null);

    const b = byS(r, 'BBB');
    assert.equal(b.firstDate, '2024-12-02');
    assert.equal(b.expectedDays, 21);
    assert.deepEqual(b.missing, []);
    assert.equal(b.complete, true);

    const c = byS(r, 'CCC');
    assert.equal(c.staleSince, '2024-12-20');
    assert.deepEqual(ranges(c), [['2024-12-23', '2024-12-31', 6]]);
    assert.equal(c.lastError, 'not-found: 404');

    const dd = byS(r, 'DDD');
    assert.deepEqual(ranges(dd), [['2024-11-29', '2024-11-29', 1]]);
    assert.deepEqual(
      dd.flags.map((f) => f.kind),
      ['missing-days'],
    );
    assert.equal(dd.lastError, null);

    assert.deepEqual(ranges(byS(r, 'SAP.DE')), [['2024-12-02', '2024-12-02', 1]]);
    assert.equal(byS(r, 'BMW.DE').complete, true);
    assert.match(byS(r, 'BMW.DE').calendar, /^\.DE /);

    assert.equal(r.summary.tickers, 6);
    assert.equal(r.summary.complete, 2);
    assert.equal(r.summary.completeShare, 0.3333);
    assert.equal(r.summary.stale, 1);
    assert.equal(r.summary.withGaps, 3, 'AAA, DDD, SAP.DE: CCC is only stale');
    const dec = r.months.find((m) => m.month === '2024-12');
    assert.ok(dec);
    // December's ticker-days: 4 US tickers x 21, minus BBB's first day before 2 Dec (none), and 2 Frankfurt tickers.
    assert.equal(dec.expected - dec.present, 3 + 6 + 1);
  };

  it('finds exactly the gaps: holidays are not gaps, half days are trading days, stale tails and foreign days', async () => {
    check(await computeCoverage(store));
  });

  it('gives the same report from every bar when the store has no bar counts', async () => {
    const bare = new Proxy(store as Store, {
      get: (target, key) => (key === 'diagnostics' ? undefined : Reflect.get(target, key)),
    });
    check(await computeCoverage(bare));
  });

  it('lists a universe member without bars, and only the universe', async () => {
    const r = await computeCoverage(store, { symbols: ['BBB', 'ZZZ'], universe: 'tickers' });
    assert.deepEqual(
      r.tickers.map((t) => [t.symbol, t.bars, t.complete]),
      [
        ['BBB', 21, true],
        ['ZZZ', 0, false],
      ],
    );
    assert.equal(r.summary.noBars, 1);
  });
});
