import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeSchedules } from '../../src/jobs/describe-schedules.js';
import { getJson, startTestServer, type TestServer } from '../server/server-test-kit.js';
import { nyseSeries } from './nyse-series.js';

describe('HTTP API operations', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ seed: false, precompute: false });
    await t.store.bars.writeTickers([
      { symbol: 'GAP', bars: nyseSeries('GAP', '2024-12-02', '2024-12-31', ['2024-12-12']) },
      { symbol: 'OK', bars: nyseSeries('OK', '2024-12-02', '2024-12-31') },
    ]);
  });
  after(() => t.close());

  it('GET /api/coverage lists the gaps and the share of complete tickers', async () => {
    const r = await getJson(t.base, '/api/coverage');
    assert.equal(r.status, 200);
    assert.equal(r.body.summary.complete, 1);
    assert.equal(r.body.summary.completeShare, 0.5);
    const gap = r.body.tickers.find((x: { symbol: string }) => x.symbol === 'GAP');
    assert.deepEqual(
      gap.missing.map((m: { from: string; to: string }) => [m.from, m.to]),
      [['2024-12-12', '2024-12-12']],
    );
    assert.deepEqual(
      r.body.months.map((m: { month: string; expected: number; present: number }) => [m.month, m.expected, m.present]),
      [['2024-12', 42, 41]],
    );
  });

  it('GET /api/coverage?universe= takes a universe and refuses an unknown one naming it', async () => {
    const r = await getJson(t.base, '/api/coverage?universe=nosuch');
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'MD_ERR_BAD_PARAM');
    assert.match(
      r.body.error.message,
      /"universe" has the value "nosuch", which is not allowed; expected one of .*sp500/,
    );
    assert.doesNotMatch(r.body.error.message, /expected expected/);
    const bad = await getJson(t.base, '/api/coverage?foo=1');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /"foo"/);
  });

  it('GET /api/health/details answers a fresh sample when none is stored, and checks hours', async () => {
    const r = await getJson(t.base, '/api/health/details');
    assert.equal(r.status, 200);
    assert.equal(r.body.hours, 24);
    assert.ok(r.body.latest.values.rssBytes > 0);
    assert.ok(r.body.latest.values.database.rowCounts.tickers >= 2);
    assert.deepEqual(r.body.series.at, []);
    const bad = await getJson(t.base, '/api/health/details?hours=0');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /expected an integer 1-168/);
  });

  it('GET /api/health/details serves the stored samples as chart columns', async () => {
    const now = Date.now();
    for (const [i, cpu] of [10, 20].entries()) {
      await t.store.healthSamples?.add({
        at: new Date(now - (2 - i) * 60_000),
        values: {
          cpuPercent: cpu,
          memoryTotalBytes: 1000,
          memoryAvailableBytes: 250,
          database: { sizeBytes: 2_097_152 },
        },
      });
    }
    const r = await getJson(t.base, '/api/health/details?hours=1');
    assert.deepEqual(r.body.series.cpuPercent, [10, 20]);
    assert.deepEqual(r.body.series.memoryUsedPercent, [75, 75]);
    assert.deepEqual(r.body.series.databaseMb, [2, 2]);
    assert.equal(r.body.latest.values.cpuPercent, 20);
  });

  it('GET /api/schedules lists every schedule with its next run', async () => {
    const r = await getJson(t.base, '/api/schedules');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.schedules.map((s: { name: string; enabled: boolean }) => [s.name, s.enabled]),
      [
        ['precompute', true],
        ['update', false],
        ['health', true],
      ],
    );
    assert.ok(r.body.schedules[0].nextRun);
  });
});

describe('describeSchedules', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ seed: false, precompute: false });
  });
  after(() => t.close());

  it('gives the last run, its duration and the 7-day success rate', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const runs: [string, string, number][] = [
      ['p1', 'succeeded', 9 * 86_400_000],
      ['p2', 'succeeded', 3 * 86_400_000],
      ['p3', 'failed', 2 * 86_400_000],
      ['p4', 'partial', 86_400_000],
      ['p5', 'succeeded', 600_000],
    ];
    for (const [id, status, ago] of runs) {
      await t.store.jobRuns.create({ id, kind: 'precompute', params: {}, status: 'running' });
      const startedAt = new Date(now.getTime() - ago);
      await t.store.jobRuns.update(id, {
        status: status as never,
        startedAt,
        finishedAt: new Date(startedAt.getTime() + 1500),
      });
    }
    const [pre] = await describeSchedules({
      precomputeCron: '*/10 * * * *',
      updateCron: '',
      healthSampleCron: '* * * * *',
      jobRuns: t.store.jobRuns,
      now,
    });
    assert.equal(pre.nextRun, '2026-03-10T12:10:00.000Z');
    assert.equal(pre.lastRun?.durationMs, 1500);
    assert.equal(pre.lastRun?.status, 'succeeded');
    assert.deepEqual(pre.last7d, { runs: 4, succeeded: 3, successRate: 0.75 });
  });
});
