import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'node:v8';
import { deflateSync } from 'node:zlib';
import { AnalysisChunkRunner } from '../../src/analysis/analysis-chunk-runner.js';
import { emptyRun } from '../../src/analysis/analysis-worker-pool.js';
import { BreadthCounts, COUNT_FIELDS } from '../../src/analysis/breadth-counts.js';
import type { RemoteChunks } from '../../src/analysis/remote-chunks.js';
import { runAnalysis } from '../../src/analysis/run-analysis.js';
import {
  decodeChunkInput,
  decodeChunkOutput,
  encodeChunkInput,
  encodeChunkOutput,
} from '../../src/jobs/queue/analysis-chunk-codec.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { analyze, snapshot, tempStore, writeSeries } from '../analysis/analysis-store-helpers.js';
import { headBars, market, sliceBars } from '../analysis/bar-series-fixtures.js';

/**
 * Chunks run as a queue's worker runs them, minus Redis: each one's input and output go through the bytes
 * they travel as, and the chunk runs on a runner of its own over another connection to the store file.
 */
function remoteVia(runner: AnalysisChunkRunner, chunkTickers: number, sent: { chunks: number }): RemoteChunks {
  return {
    chunkTickers,
    async run(layout, chunks, stop, onProgress) {
      const out = emptyRun();
      let done = 0;
      for (const jobs of chunks) {
        const input = decodeChunkInput(encodeChunkInput(layout, jobs));
        const output = decodeChunkOutput(encodeChunkOutput(await runner.run(input.layout, input.jobs)), layout);
        sent.chunks++;
        out.chunks.push(output.result);
        out.counts.push(output.counts);
        done += output.result.results.length;
        onProgress?.(done, chunks.flat().length);
        if (stop(output.result)) break;
      }
      return out;
    },
  };
}

async function analyzeRemotely(store: Store, runner: AnalysisChunkRunner, opts: { full?: boolean } = {}) {
  const sent = { chunks: 0 };
  const summary = await runAnalysis(store, {
    universe: { name: 'cached', symbols: await store.tickers.symbolsWithBars() },
    full: opts.full,
    workers: 1,
    remote: remoteVia(runner, 4, sent),
  });
  return { summary, sent: sent.chunks };
}

describe('analysis chunks sent to other processes', () => {
  const m = market();
  const held: Record<string, number> = { AAPL: 5, XOM: 0, O: 3, DISCA: 1, WALK: 4, SHORT: 2 };
  let t: Awaited<ReturnType<typeof tempStore>>;
  let ref: Awaited<ReturnType<typeof tempStore>>;
  let runner: AnalysisChunkRunner;
  let other: SqliteStore;

  before(async () => {
    t = await tempStore();
    ref = await tempStore();
    for (const { series, sector } of m) {
      await writeSeries(t.store, headBars(series, series.dates.length - held[series.symbol]), sector);
      await writeSeries(ref.store, series, sector);
    }
    // Another connection to the file, as another process has; two threads, so a chunk of four is split again
    // across the runner's own workers.
    other = await SqliteStore.open(t.path);
    runner = new AnalysisChunkRunner(other, 2);
  });
  after(async () => {
    await runner?.close();
    await other?.close();
    await t?.dispose();
    await ref?.dispose();
  });

  it('give a full run, then an incremental one, equal to one process bit for bit', async () => {
    await analyze(ref.store, { full: true });
    const expected = await snapshot(ref.store);

    const first = await analyzeRemotely(t.store, runner, { full: true });
    assert.equal(first.summary.mode, 'full');
    assert.equal(first.summary.remoteChunks, 2, 'six tickers in chunks of four');
    assert.equal(first.sent, 2);

    for (const { series } of m) {
      const n = series.dates.length;
      const k = held[series.symbol];
      if (k > 0) await t.store.bars.writeTicker({ symbol: series.symbol, bars: sliceBars(series, n - k, n) });
    }
    const second = await analyzeRemotely(t.store, runner);
    assert.equal(second.summary.mode, 'incremental', second.summary.fullReason ?? '');
    assert.equal(second.summary.resumed, 4);
    assert.equal(second.summary.skipped, 1);
    assert.equal(second.sent, 2, 'five changed tickers in chunks of four');
    assert.deepEqual(await snapshot(t.store), expected);
  });

  it('leave out the sectors a chunk counted nothing in, and refuse bytes that are not a chunk', () => {
    const layout = { baseDay: 100, days: 3, buckets: ['', 'Energy', 'Utilities'] };
    const counts = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    counts.data[1][0] = 7;
    counts.data[1][COUNT_FIELDS + 5] = 2 ** 40 + 0.5;
    const result = {
      results: [],
      signalDates: new Int32Array([1, 2]),
      signalKinds: new Uint8Array([3, 4]),
      signalValues: new Float64Array([Math.PI, -0]),
      times: { load: 1, indicators: 2, signals: 3, breadth: 4 },
    };
    const bytes = encodeChunkOutput({ result, counts });
    const back = decodeChunkOutput(bytes, layout);
    assert.deepEqual(back.counts.buckets, ['Energy']);
    // Day 102 counted nothing: only days 100 and 101 travel.
    assert.deepEqual([back.counts.baseDay, back.counts.days], [100, 2]);
    const sum = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    sum.add(back.counts);
    assert.deepEqual(sum.data, counts.data);
    assert.deepEqual(back.result, result);
    assert.ok(Object.is(back.result.signalValues[1], -0), 'every double keeps its bits');

    assert.throws(
      () => decodeChunkOutput(Buffer.from('not a chunk'), layout),
      /analysis chunk output could not be read/,
    );
    assert.throws(
      () => decodeChunkOutput(bytes, { ...layout, baseDay: 101, days: 4 }),
      /counts days 100\+2, expected within the pass's 101\+4/,
    );
    assert.throws(
      () => decodeChunkOutput(bytes, { ...layout, buckets: ['', 'Utilities'] }),
      /sectors outside the pass's: Energy/,
    );
    assert.throws(() => decodeChunkInput(deflateSync(serialize({ v: 2, layout, jobs: [] }))), /not of version 1/);
    assert.throws(
      () => decodeChunkInput(deflateSync(serialize({ v: 1, layout: { ...layout, days: 0 }, jobs: [] }))),
      /no valid counts layout/,
    );
  });
});
