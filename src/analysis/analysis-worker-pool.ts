import { Worker } from 'node:worker_threads';
import type { ChunkResult, CountsLayout, WireJob } from './analysis-share.js';
import type { AnalysisWorkerData, FromWorker, ToWorker } from './analysis-worker.js';
import { BreadthCounts } from './breadth-counts.js';
import { emptyPhaseTimes, type PhaseTimes } from './ticker-analyzer.js';

/** What the threads of one pass produced: every chunk's results and every thread's breadth counters. */
export interface ExecutedRun {
  chunks: ChunkResult[];
  counts: BreadthCounts[];
  /** Milliseconds per phase, summed over threads. */
  times: PhaseTimes;
}

export function emptyRun(): ExecutedRun {
  return { chunks: [], counts: [], times: emptyPhaseTimes() };
}

export function addTimes(into: PhaseTimes, c: ChunkResult): void {
  into.load += c.times.load;
  into.indicators += c.times.indicators;
  into.signals += c.times.signals;
  into.breadth += c.times.breadth;
}

/**
 * Worker threads for analysis passes. They are started before the run plans its work, so their start-up
 * (a JavaScript engine each, the modules, a connection to the store file) overlaps the planning; each pass
 * hands them chunks of tickers as they ask for more (two in flight each, so a worker never waits for its
 * next chunk) and collects their breadth counters at the end.
 */
export class AnalysisWorkerPool {
  private failure: Error | null = null;
  private onFailure: ((error: Error) => void) | null = null;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`analysis worker exited with code ${code} during the run`));
      });
    }
  }

  private closing = false;

  /** Starts `threads` workers, each opening the SQLite file `db` for reading. */
  static start(db: string, threads: number): AnalysisWorkerPool {
    const entry = import.meta.url.endsWith('.ts') ? './analysis-worker.ts' : './analysis-worker.js';
    const data: AnalysisWorkerData = { db };
    return new AnalysisWorkerPool(Array.from({ length: threads }, () => startWorker(entry, data)));
  }

  get size(): number {
    return this.workers.length;
  }

  /** One pass over `chunks`; `stop` ends it early (no further chunk is handed out) when it returns true. */
  run(
    layout: CountsLayout,
    chunks: readonly WireJob[][],
    stop: (c: ChunkResult) => boolean,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ExecutedRun> {
    const out = emptyRun();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    let next = 0;
    let done = 0;
    let finished = 0;
    return new Promise<ExecutedRun>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      const listeners: [Worker, (m: FromWorker) => void][] = [];
      const cleanUp = () => {
        for (const [worker, listener] of listeners) worker.off('message', listener);
        this.onFailure = null;
      };
      this.onFailure = (error) => {
        cleanUp();
        reject(error);
      };
      for (const worker of this.workers) {
        let inFlight = 0;
        const send = () => {
          if (next < chunks.length) {
            inFlight++;
            // Decoded states stay on this thread: the worker decodes the bytes itself.
            const jobs = chunks[next++].map(({ decoded: _decoded, ...job }) => job);
            post(worker, { type: 'jobs', jobs });
          } else if (inFlight === 0) {
            post(worker, { type: 'finish' });
          }
        };
        const listener = (message: FromWorker) => {
          if (message.type === 'chunk') {
            inFlight--;
            out.chunks.push(message.result);
            addTimes(out.times, message.result);
            done += message.result.results.length;
            onProgress?.(done, total);
            if (stop(message.result)) next = chunks.length;
            send();
          } else if (message.type === 'counts') {
            out.counts.push(new BreadthCounts(layout.baseDay, layout.days, layout.buckets, message.data));
            if (++finished === this.workers.length) {
              cleanUp();
              resolve(out);
            }
          } else {
            this.fail(new Error(`analysis worker failed: ${message.message}`));
          }
        };
        listeners.push([worker, listener]);
        worker.on('message', listener);
        post(worker, { type: 'init', layout });
        send();
        send();
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(error: Error): void {
    if (this.closing) return;
    this.failure ??= error;
    this.onFailure?.(error);
  }
}

function post(worker: Worker, message: ToWorker): void {
  worker.postMessage(message);
}

function startWorker(entry: string, data: AnalysisWorkerData): Worker {
  const url = new URL(entry, import.meta.url);
  if (!entry.endsWith('.ts')) return new Worker(url, { workerData: data });
  // Running from the TypeScript sources (tsx in development and tests): the worker registers the same
  // loader before importing its entry, which a plain worker does not inherit.
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}
