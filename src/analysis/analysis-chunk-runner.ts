import { availableParallelism } from 'node:os';
import type { Store } from '../store/store.js';
import { AnalysisShare, type ChunkResult, type CountsLayout, type WireJob } from './analysis-share.js';
import { AnalysisWorkerPool, addTimes } from './analysis-worker-pool.js';
import { BreadthCounts } from './breadth-counts.js';
import { inReadSnapshot } from './read-snapshot.js';
import { emptyPhaseTimes } from './ticker-analyzer.js';

/** A chunk of a pass planned in another process, analysed here: its results and its tickers' breadth counters. */
export interface ChunkOutput {
  result: ChunkResult;
  counts: BreadthCounts;
}

/**
 * Runs the chunks a shared queue hands this process (see RemoteChunks), on this process's worker threads when
 * it has more than one core: the threads start with the first chunk worth them and serve every chunk after.
 */
export class AnalysisChunkRunner {
  private pool: AnalysisWorkerPool | null = null;
  private readonly threads: number;

  /** `threads`: 0 or absent = one per core; 1 = the calling thread only. */
  constructor(
    private readonly store: Store,
    threads?: number,
  ) {
    this.threads = threads && threads > 0 ? threads : availableParallelism();
  }

  async run(layout: CountsLayout, jobs: readonly WireJob[]): Promise<ChunkOutput> {
    const pool = this.poolFor(jobs);
    if (!pool) {
      const share = new AnalysisShare(this.store, layout);
      const result = await inReadSnapshot(this.store, () => share.run(jobs));
      return { result, counts: share.counts };
    }
    // Several parts per thread, so the thread that ends last has little left to do.
    const size = Math.max(1, Math.ceil(jobs.length / (pool.size * 4)));
    const parts: WireJob[][] = [];
    for (let i = 0; i < jobs.length; i += size) parts.push(jobs.slice(i, i + size));
    const run = await pool.run(layout, parts, () => false);
    const counts = new BreadthCounts(layout.baseDay, layout.days, layout.buckets);
    for (const c of run.counts) counts.add(c);
    return { result: mergeChunkResults(run.chunks), counts };
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }

  /** Threads pay for a chunk with tickers to analyse from their first bar; resumed ones are a few bars each. */
  private poolFor(jobs: readonly WireJob[]): AnalysisWorkerPool | null {
    const reader = this.store.readerLocation();
    const worth = this.threads > 1 && reader !== null && jobs.length >= 2 * this.threads && jobs.some((j) => !j.resume);
    if (worth && !this.pool && reader !== null) this.pool = AnalysisWorkerPool.start(reader, this.threads);
    return worth ? this.pool : null;
  }
}

/** Chunks as one: results in order, each one's signals still following those of the results before it. */
export function mergeChunkResults(chunks: readonly ChunkResult[]): ChunkResult {
  let n = 0;
  for (const c of chunks) n += c.signalDates.length;
  const out: ChunkResult = {
    results: [],
    signalDates: new Int32Array(n),
    signalKinds: new Uint8Array(n),
    signalValues: new Float64Array(n),
    times: emptyPhaseTimes(),
  };
  let at = 0;
  for (const c of chunks) {
    out.results.push(...c.results);
    out.signalDates.set(c.signalDates, at);
    out.signalKinds.set(c.signalKinds, at);
    out.signalValues.set(c.signalValues, at);
    at += c.signalDates.length;
    addTimes(out.times, c);
  }
  return out;
}
