import type { ChunkResult, CountsLayout, WireJob } from './analysis-share.js';
import type { ExecutedRun } from './analysis-worker-pool.js';

/**
 * Runs an analysis pass's chunks of tickers in other processes (the workers of a shared queue). Each chunk
 * comes back with its tickers' results and the breadth counters of its own tickers, which the planning
 * process adds up as it adds its threads' counters: every breadth figure is a sum, so where a ticker was
 * counted does not change a bit of the result.
 */
export interface RemoteChunks {
  /**
   * Tickers per chunk. A chunk's counters span every calendar day of every sector it touched, so a chunk
   * must carry enough tickers to be worth sending them.
   */
  readonly chunkTickers: number;
  /** One pass over `chunks`, as AnalysisWorkerPool.run; `stop` returning true drops the chunks not yet done. */
  run(
    layout: CountsLayout,
    chunks: readonly WireJob[][],
    stop: (c: ChunkResult) => boolean,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ExecutedRun>;
}
