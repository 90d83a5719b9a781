import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createAnalyst } from '../../src/analyst/create-analyst.js';
import { describeTimeSaving } from '../../src/report/batch-metrics.js';
import { autoBatchSize, planBatches } from '../../src/report/batch-plan.js';
import { type RunReportOptions, runReport } from '../../src/report/run-report.js';
import { type ChatTestServer, startChatTestServer } from '../support/chat-completions-test-server.js';
import { openReportKit, type ReportKit, reportSymbols, storePrefetch } from './report-test-kit.js';

const GB = 1024 ** 3;
const KEY = 'sk-test-secret-key-0123456789';

describe('batch plan', () => {
  it('sizes automatic batches by ticker count and free memory', () => {
    assert.deepEqual(
      [10, 11, 30, 31, 100, 101].map((n) => autoBatchSize(n, 4 * GB)),
      [3, 5, 5, 8, 8, 12],
    );
    assert.equal(autoBatchSize(66, 1 * GB), 4, 'halved under 2 GB');
    assert.equal(autoBatchSize(66, 16 * GB), 15, 'doubled above 8 GB, at most 15');
    assert.equal(autoBatchSize(5, 16 * GB), 6);
  });

  it('runs one ticker at a time below the minimum or when batch prefetch is off', () => {
    const on = { batchPrefetchEnabled: true, batchPrefetchMinHoldings: 10, deepAnalysisBatchSize: 0 };
    assert.equal(planBatches(9, on, 4 * GB).mode, 'sequential');
    assert.deepEqual(planBatches(10, on, 4 * GB), {
      mode: 'batch',
      batchSize: 3,
      why: 'automatic for 10 tickers with 4.0 GB free',
    });
    assert.equal(planBatches(50, { ...on, batchPrefetchEnabled: false }, 4 * GB).mode, 'sequential');
    assert.equal(planBatches(50, { ...on, deepAnalysisBatchSize: 7 }, 4 * GB).batchSize, 7);
    assert.equal(planBatches(50, on, 4 * GB, 2).batchSize, 2);
  });
});

describe('report runs with the llm analyst against a chat test server', () => {
  let kit: ReportKit;
  let chat: ChatTestServer;
  const waits: number[] = [];
  const lines: string[] = [];

  beforeEach(async () => {
    chat = await startChatTestServer();
    waits.length = 0;
    lines.length = 0;
  });
  afterEach(async () => {
    await kit?.close();
    await chat.close();
  });

  async function run(
    symbols: string[],
    over: Partial<RunReportOptions['request']> = {},
    env: Record<string, string> = {},
  ) {
    kit = await openReportKit(symbols, {
      LLM_BASE_URL: chat.url,
      LLM_MODEL: 'test-model',
      LLM_API_KEY: KEY,
      LLM_RETRIES: '2',
      LLM_TIMEOUT_MS: '300',
      BATCH_PREFETCH_MIN_HOLDINGS: '4',
      ...env,
    });
    // Backoff waits are recorded, not slept: the tests never depend on the machine's speed.
    const analyst = createAnalyst('llm', kit.config, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    return runReport({
      store: kit.store,
      config: kit.config,
      runId: 'run-1',
      request: { tickers: symbols, ...over },
      signal: new AbortController().signal,
      progress: () => {},
      log: (l) => lines.push(l),
      prefetch: storePrefetch(),
      analyst,
      freeMemoryBytes: () => 4 * GB,
    });
  }

  it('never has more requests in flight than the batch size', async () => {
    chat.setOptions({ latencyMs: 20 });
    const r = await run(reportSymbols(12), { batchSize: 4 });
    assert.ok(chat.maxInFlight() <= 4, `max in flight ${chat.maxInFlight()}`);
    assert.equal(r.batch_metrics.total_batches, 3);
    assert.equal(r.batch_metrics.successful_tickers, 12);
    assert.deepEqual(r.batch_metrics.token_usage, { prompt_tokens: 1200, completion_tokens: 240, total_tokens: 1440 });
    assert.match(
      lines.find((l) => l.startsWith('Batch 1/3:')) ?? '',
      /^Batch 1\/3: T00, T01, T02, T03 completed in \d+\.\d s$/,
    );
    assert.equal((await kit.store.reports.latest()).length, 12);
  });

  it('waits as Retry-After says after a 429, and backs off after a 500, then succeeds', async () => {
    chat.setOptions({
      behave: (s, attempt) =>
        attempt > 0
          ? { kind: 'ok' }
          : s === 'T00'
            ? { kind: 'rate-limited', retryAfterSeconds: 7 }
            : { kind: 'server-error' },
    });
    const r = await run(['T00', 'T01']);
    assert.equal(r.batch_metrics.successful_tickers, 2);
    assert.deepEqual(
      [...waits].sort((a, b) => a - b),
      [1000, 7000],
    );
  });

  it('isolates a ticker whose answer is malformed, times out or keeps failing', async () => {
    chat.setOptions({
      behave: (s) =>
        s === 'T01'
          ? { kind: 'malformed' }
          : s === 'T02'
            ? { kind: 'hang' }
            : s === 'T03'
              ? { kind: 'server-error', status: 503 }
              : { kind: 'ok', verdict: 'buy' },
    });
    const r = await run(reportSymbols(6), { batchSize: 6 });
    const m = r.batch_metrics;
    assert.equal(m.successful_tickers, 3);
    assert.deepEqual(
      m.failed_ticker_list.map((f) => [f.symbol, f.kind]),
      [
        ['T01', 'malformed'],
        ['T02', 'timeout'],
        ['T03', 'server'],
      ],
    );
    assert.deepEqual(m.error_summary, { 'analysis:malformed': 1, 'analysis:timeout': 1, 'analysis:server': 1 });
    assert.equal(m.fallback_reason, null);
    assert.deepEqual(r.report.verdicts, { buy: 3, hold: 0, sell: 0 });
  });

  it('runs the rest one at a time once more than half have failed, and says why', async () => {
    // The first eight tickers fail: the first batch of four fails whole, the rest go one by one.
    chat.setOptions({ behave: (s) => (Number(s.slice(1)) < 8 ? { kind: 'server-error' } : { kind: 'ok' }) });
    const r = await run(reportSymbols(16), { batchSize: 4 }, { LLM_RETRIES: '0' });
    const m = r.batch_metrics;
    assert.match(
      m.fallback_reason ?? '',
      /^4 of the 4 tickers analysed in batches of 4 failed \(more than half\); the remaining 12 ran one at a time$/,
    );
    assert.equal(m.total_batches, 1 + 12);
    assert.equal(m.failed_tickers, 8);
    assert.equal(m.successful_tickers, 8);
    assert.ok(lines.some((l) => l.startsWith('Batch 13/13: T15 completed')));
  });

  it('records every failure and the metrics when every ticker fails', async () => {
    chat.setOptions({ behave: () => ({ kind: 'server-error' }) });
    const r = await run(reportSymbols(6), { batchSize: 3 }, { LLM_RETRIES: '0' });
    const m = r.batch_metrics;
    assert.equal(m.successful_tickers, 0);
    assert.equal(m.failed_tickers, 6);
    assert.notEqual(m.fallback_reason, null);
    assert.deepEqual(r.report.tickers, []);
    const saved = JSON.parse(readFileSync(join(kit.dir, 'runs', 'run-1.json'), 'utf8'));
    assert.deepEqual(Object.keys(saved), ['batch_metrics']);
    assert.equal(saved.batch_metrics.failed_tickers, 6);
    for (const key of [
      'session_id',
      'timestamp',
      'total_tickers',
      'successful_tickers',
      'failed_tickers',
      'prefetch_duration_seconds',
      'analysis_duration_seconds',
      'total_duration_seconds',
      'estimated_sequential_time_seconds',
      'time_savings_percentage',
      'batch_size',
      'total_batches',
      'memory_usage_mb',
      'peak_memory_usage_mb',
      'failed_ticker_list',
      'error_summary',
      'fallback_reason',
      'data_sources',
    ]) {
      assert.ok(key in saved.batch_metrics, key);
    }
  });

  it('sends the API key to the endpoint only, never into metrics, reports or logs', async () => {
    chat.setOptions({ behave: (s) => (s === 'T00' ? { kind: 'server-error', status: 401 } : { kind: 'ok' }) });
    const r = await run(['T00', 'T01']);
    assert.ok(chat.authorizations().every((a) => a === `Bearer ${KEY}`));
    const written = [
      JSON.stringify(r),
      lines.join('\n'),
      readFileSync(join(kit.dir, 'reports', 'run-1.md'), 'utf8'),
    ].join('\n');
    assert.ok(!written.includes(KEY));
    assert.equal(r.batch_metrics.failed_ticker_list[0].kind, 'http-401');
  });

  /** A report by the rules analyst over n stored tickers, with the given phase 1. */
  async function rulesReport(runId: string, n: number, prefetch: RunReportOptions['prefetch']) {
    kit = await openReportKit(reportSymbols(n));
    return runReport({
      store: kit.store,
      config: kit.config,
      runId,
      request: { tickers: reportSymbols(n), analyst: 'rules' },
      signal: new AbortController().signal,
      progress: () => {},
      log: () => {},
      prefetch,
    });
  }

  it('skips the tickers whose prefetch failed and lists them', async () => {
    const r = await rulesReport('run-2', 3, storePrefetch(['T01']));
    assert.equal(chat.requests(), 0, 'the rules analyst asks no endpoint');
    assert.deepEqual(
      r.batch_metrics.failed_ticker_list.map((f) => [f.symbol, f.phase]),
      [['T01', 'prefetch']],
    );
    assert.deepEqual(r.batch_metrics.data_sources, { store: 2 });
    assert.deepEqual(
      r.report.tickers.map((t) => t.symbol),
      ['T00', 'T02'],
    );
  });

  it('says in the metrics and the report document when it analysed stored data after a failed prefetch', async () => {
    const notice = 'prefetch failed (Yahoo is unreachable (ECONNREFUSED)); analysing stored data as of 2024-02-23';
    const r = await rulesReport('run-3', 2, async (symbols) => ({ ...(await storePrefetch()(symbols)), notice }));
    assert.equal(r.batch_metrics.prefetch_notice, notice);
    assert.ok(readFileSync(r.files.markdown, 'utf8').includes(`Data: ${notice}`));
  });
});

describe('the time a report saved, in words', () => {
  it('words a negative saving as slower, never as a negative faster', () => {
    assert.equal(describeTimeSaving(37.5), '37.5 % faster than one at a time');
    assert.equal(describeTimeSaving(-43.8), '43.8 % slower than one at a time');
    assert.equal(describeTimeSaving(0), 'no faster than one at a time');
  });
});
