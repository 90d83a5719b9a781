import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { barAt, barSeriesFromBars } from '../../src/domain/bar-series.js';
import type { FetchRunMetrics } from '../../src/fetch/fetch-metrics.js';
import { assertStoredAsServed, type FetchKit, openFetchKit, testSymbols } from '../fetch/fetch-test-kit.js';
import type { MarketTestServerKnobs } from '../support/market-test-server.js';

/**
 * The fault matrix: each way a source misbehaves, served by the market test server, against a real fetch run.
 * For each: the run finishes, the store holds exactly what the server serves for every fetched ticker (its
 * source of truth), the failed ones are named with their kind, and the summary's counts add up.
 */
describe('fault matrix', () => {
  let kit: FetchKit;
  let offset = 1000;
  before(async () => {
    kit = await openFetchKit();
  });
  after(() => kit.close());

  async function run(
    knobs: Partial<MarketTestServerKnobs>,
    n: number,
    extra: readonly string[] = [],
  ): Promise<{ m: FetchRunMetrics; symbols: string[] }> {
    const symbols = [...testSymbols(n, offset), ...extra];
    offset += n;
    kit.server.reset();
    kit.server.setKnobs(knobs);
    try {
      const m = await kit.fetch(symbols, { retries: 10 });
      return { m, symbols };
    } finally {
      kit.server.setKnobs({
        faults: {},
        scriptedFaults: null,
        rateLimit: null,
        stallMs: null,
        duplicateLastBar: false,
      });
    }
  }

  /** Counts that must add up in every run's summary, and the stored data of every fetched ticker. */
  async function assertConsistent(m: FetchRunMetrics, symbols: string[], failing: readonly string[] = []) {
    const t = m.tickers;
    assert.equal(t.fetched + t.failed + t.skippedFresh + t.notRun, t.requested);
    assert.ok(t.requested >= symbols.length);
    assert.equal(t.notRun, 0, 'the run finished');
    assert.deepEqual(m.failed.map((f) => f.symbol).sort(), [...failing].sort(), JSON.stringify(m.failed));
    assert.equal(m.failed.length, t.failed);
    // Every attempt is one request at the server: one per ticker, one per retry, one more per restatement refetch.
    // A reset on a kept-alive connection is sent again once by the transport itself, before the engine sees it.
    const chart = kit.server.stats().byPath.chart;
    const attempts = t.fetched + t.failed + m.retries + t.fullRefetch;
    const resets = chart?.reset ?? 0;
    assert.ok(sum(chart ?? {}) >= attempts && sum(chart ?? {}) <= attempts + resets, JSON.stringify(chart));
    for (const s of symbols) if (!failing.includes(s)) await assertStoredAsServed(kit, s);
  }

  const transient: [string, Partial<MarketTestServerKnobs>][] = [
    ['a 429 storm without Retry-After', { faults: { rateLimited: 0.4 } }],
    ['a 429 storm with Retry-After', { rateLimit: { perSecond: 40, burst: 2, retryAfterSeconds: 1 } }],
    ['5xx bursts', { faults: { status5xx: 0.35 } }],
    ['resets', { faults: { reset: 0.25 } }],
    ['bodies cut off by the connection', { faults: { truncated: 0.25 } }],
    ['truncated JSON in a complete answer', { faults: { cutBody: 0.25 } }],
    ['malformed JSON with status 200', { faults: { malformedJson: 0.25 } }],
    ['HTML with status 200', { faults: { html: 0.25 } }],
  ];
  for (const [name, knobs] of transient) {
    it(`${name}: every ticker stored exactly as served`, { timeout: 120_000 }, async () => {
      const { m, symbols } = await run(knobs, 16);
      await assertConsistent(m, symbols);
      assert.ok(m.retries > 0, 'the faults happened and were retried');
    });
  }

  it('stalls: the stalled requests time out, are retried, and nothing is lost', { timeout: 120_000 }, async () => {
    const { m, symbols } = await run({ scriptedFaults: { kind: 'stall', everyNth: 4, failAttempts: 1 } }, 8);
    await assertConsistent(m, symbols);
    assert.equal(m.errorsByKind.timeout, 2);
  });

  it('schema drift (fields missing, of the wrong type): those tickers fail as malformed, the rest are stored', async () => {
    const { m, symbols } = await run({ scriptedFaults: { kind: 'wrongShape', everyNth: 5, failAttempts: 99 } }, 10);
    const failing = symbols.filter((s) => Number(s.slice(1)) % 5 === 0);
    await assertConsistent(m, symbols, failing);
    assert.deepEqual(new Set(m.failed.map((f) => f.kind)), new Set(['malformed']));
    for (const s of failing) assert.equal(await kit.store.bars.read(s), null);
  });

  it('a delisted symbol fails as not-found and the others are stored', async () => {
    const { m, symbols } = await run({}, 5, ['DELISTED1']);
    await assertConsistent(m, symbols, ['DELISTED1']);
    assert.equal(m.failed[0].kind, 'not-found');
  });

  it('duplicate and out-of-order timestamps: one bar per date, the later one kept', async () => {
    const { m, symbols } = await run({ duplicateLastBar: true }, 4);
    await assertConsistent(m, symbols);
  });

  it('NaN, negative and zero prices are quarantined with their reason; the rest of the ticker is stored', async () => {
    const symbol = 'BADPX';
    kit.server.setSeries(symbol, kit.server.series('S0001')!.bars);
    const served = kit.server.series(symbol)!.bars;
    const bars = Array.from({ length: served.dates.length }, (_, i) => ({ ...barAt(served, i), symbol }));
    bars[10] = { ...bars[10], close: 0 };
    bars[20] = { ...bars[20], close: -3.5 };
    bars[30] = { ...bars[30], low: -1 };
    bars[40] = { ...bars[40], volume: -100 };
    bars[50] = { ...bars[50], close: Number.NaN };
    kit.server.setSeries(symbol, bars);
    const rejectsBefore = await kit.store.rejects.count();
    const { m } = await run({}, 0, [symbol]);
    assert.equal(m.tickers.fetched, 1);
    assert.equal(m.quarantinedBars, 4);
    const stored = (await kit.store.bars.read(symbol))!;
    const good = bars.filter((_, i) => ![10, 20, 30, 40, 50].includes(i));
    assert.deepEqual([...stored.dates], [...barSeriesFromBars(symbol, good).dates], 'exactly the valid bars');
    assert.equal((await kit.store.rejects.count()) - rejectsBefore, 4);
    const reasons = (await kit.store.rejects.list(4)).map((r) => r.reason).sort();
    assert.deepEqual(reasons, [
      'close is -3.5; expected a positive price',
      'close is 0; expected a positive price',
      'low is -1; expected a positive price or none',
      'volume is -100; expected 0 or more',
    ]);
  });

  it('a split appearing between runs: the whole history is fetched again, as served after the split', async () => {
    const { symbols } = await run({}, 3);
    kit.server.addSplit(symbols[1], kit.server.lastDay(), 3, 1);
    kit.server.reset();
    const m = await kit.fetch(symbols, { forceRefresh: true, retries: 10 });
    assert.equal(m.tickers.fullRefetch, 1);
    await assertConsistent(m, [symbols[0], symbols[2]]);
    // The split ticker as served, to the 4 decimals a chart body carries after the re-adjustment.
    const stored = (await kit.store.bars.read(symbols[1]))!;
    const served = kit.server.series(symbols[1])!.bars;
    assert.deepEqual([...stored.dates], [...served.dates]);
    for (let i = 0; i < served.close.length; i++) assert.ok(Math.abs(stored.close[i] - served.close[i]) <= 5.1e-5);
  });
});

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
