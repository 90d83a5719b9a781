import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { AnalysisShare, type ChunkResult, type CountsLayout, type WireJob } from './analysis-share.js';
import { inReadSnapshot } from './read-snapshot.js';

/**
 * Worker-thread entry of analysis passes: opens its own reader of the store (Store.readerLocation), and per pass
 * analyses the batches of tickers the main thread sends, then returns its breadth counters. Results
 * travel as typed arrays moved (not copied) to the main thread.
 */
export interface AnalysisWorkerData {
  db: string;
}

export type ToWorker = { type: 'init'; layout: CountsLayout } | { type: 'jobs'; jobs: WireJob[] } | { type: 'finish' };
export type FromWorker =
  | { type: 'chunk'; result: ChunkResult }
  | { type: 'counts'; data: Float64Array[] }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const { db } = workerData as AnalysisWorkerData;
  const storePromise = openStore({ db });
  let share: AnalysisShare | null = null;
  // Messages are handled strictly one after another, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const store = await storePromise;
        if (message.type === 'init') {
          share = new AnalysisShare(store, message.layout);
        } else if (message.type === 'jobs') {
          const current = share;
          if (!current) throw new Error('analysis worker got jobs before its pass began');
          const result = await inReadSnapshot(store, () => current.run(message.jobs));
          const reply: FromWorker = { type: 'chunk', result };
          port.postMessage(reply, [
            result.signalDates.buffer as ArrayBuffer,
            result.signalKinds.buffer as ArrayBuffer,
            result.signalValues.buffer as ArrayBuffer,
            ...result.results.flatMap((r) => (r.state ? [r.state.buffer as ArrayBuffer] : [])),
          ]);
        } else {
          if (!share) throw new Error('analysis worker asked to finish a pass that never began');
          const data = share.counts.data;
          share = null;
          const reply: FromWorker = { type: 'counts', data };
          port.postMessage(
            reply,
            data.map((d) => d.buffer as ArrayBuffer),
          );
        }
      } catch (error) {
        const reply: FromWorker = { type: 'error', message: (error as Error)?.stack ?? String(error) };
        port.postMessage(reply);
      }
    });
  });
}
