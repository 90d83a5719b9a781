import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FetchState } from '../../src/domain/fetch-state.js';
import type { JobRun, JobStatus } from '../../src/domain/job-run.js';
import { buildPipelineCharts, classifyFetchError } from '../../src/precompute/build-pipeline-charts.js';

const NOW = new Date('2024-03-10T12:00:00Z');
const HOUR = 3_600_000;

function run(id: string, kind: string, status: JobStatus, hoursAgo: number, metrics: JobRun['metrics'] = null): JobRun {
  const startedAt = new Date(NOW.getTime() - hoursAgo * HOUR);
  return {
    id,
    kind,
    params: {},
    status,
    progress: null,
    createdAt: startedAt,
    startedAt,
    finishedAt: status === 'running' ? null : new Date(startedAt.getTime() + 60_000),
    metrics,
    error: status === 'failed' ? 'boom' : null,
    owner: null,
  };
}

function fetchState(symbol: string, hoursAgo: number, error: string | null): FetchState {
  const at = new Date(NOW.getTime() - hoursAgo * HOUR);
  return {
    symbol,
    source: 'yahoo',
    lastSuccessAt: error ? null : at,
    lastAttemptAt: at,
    lastError: error,
    bars: 10,
    flags: [],
    meta: {},
  };
}

describe('buildPipelineCharts', () => {
  const runs = [
    run('p1', 'precompute', 'succeeded', 1),
    run('p2', 'precompute', 'failed', 30),
    run('u1', 'update', 'succeeded', 2, {
      fetch: { tickers: { fetched: 500 }, barsWritten: 500, tickersPerSecond: 25 },
    }),
    run('f1', 'fetch', 'interrupted', 50),
    run('a1', 'analyze', 'running', 0.5),
  ];
  const states = [
    fetchState('AAPL', 1.5, null),
    fetchState('MSFT', 1.2, null),
    fetchState('BAD', 3, 'not-found: no data for BAD'),
    fetchState('SLOW', 26, 'HTTP 429 Too Many Requests'),
  ];
  const charts = buildPipelineCharts({ runs, fetchStates: states, now: NOW });

  it('lays out the last 24 hours of jobs oldest first, running ones without an end', () => {
    assert.deepEqual(
      charts.timeline24h.jobs.map((j) => [j.id, j.status, j.end === null]),
      [
        ['u1', 'succeeded', false],
        ['p1', 'succeeded', false],
        ['a1', 'running', true],
      ],
    );
    assert.equal(charts.timeline24h.jobs[0].durationMs, 60_000);
  });

  it('counts errors per day by kind: fetch errors by their source kind, failed jobs by job kind', () => {
    assert.equal(charts.errors30d.days.length, 30);
    assert.equal(charts.errors30d.days[29], '2024-03-10');
    assert.deepEqual(charts.errors30d.totals, { 'job-precompute': 1, 'not-found': 1, 'rate-limited': 1 });
    assert.equal(charts.errors30d.counts['not-found'][29], 1);
    assert.equal(charts.errors30d.counts['rate-limited'][28], 1);
  });

  it('counts finished jobs per day by outcome over 7 days', () => {
    assert.equal(charts.jobs7d.days.length, 7);
    assert.equal(charts.jobs7d.succeeded[6], 2);
    assert.equal(charts.jobs7d.failed[5], 1);
    assert.equal(charts.jobs7d.interrupted[4], 1);
  });

  it('shows fetch throughput per hour and per run from the fetch metrics an update keeps', () => {
    assert.equal(charts.fetchThroughput.perHour.length, 24);
    assert.equal(charts.fetchThroughput.perHour[21].tickers, 2);
    assert.equal(charts.fetchThroughput.perHour[21].hour, '2024-03-10T10:00:00.000Z');
    assert.deepEqual(
      charts.fetchThroughput.runs.map((r) => [r.id, r.tickers, r.bars, r.tickersPerSecond]),
      [['u1', 500, 500, 25]],
    );
  });

  it('classifies error messages without the engine prefix by their words', () => {
    assert.equal(classifyFetchError('timeout: no answer in 15000 ms'), 'timeout');
    assert.equal(classifyFetchError('request timed out'), 'timeout');
    assert.equal(classifyFetchError('HTTP 503 Service Unavailable'), 'server-error');
    assert.equal(classifyFetchError('something odd'), 'other');
  });
});
