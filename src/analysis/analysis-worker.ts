import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { AnalysisShare, type ChunkResult, type CountsLayout, type WireJob } from './analysis-share.js';
import { inReadSnapshot } from './read-snapshot.js';

/**
 * Worker-thread entry of an analysis run: opens its own connection to the store file, analyses the
 * batches of tickers the main thread sends, and when told to finish returns its breadth counters.
 * Results travel as typed arrays moved (not copied) to the main thread.
 */
export interface AnalysisWorkerData {
  db: string;
  layout: CountsLayout;
}

export type ToWorker = { type: 'jobs'; jobs: WireJob[] } | { type: 'finish' };
export type FromWorker =
  | { type: 'chunk'; result: ChunkResult }
  | { type: 'counts'; data: Float64Array[] }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const { db, layout } = workerData as AnalysisWorkerData;
  const storePromise = openStore({ db });
  let share: AnalysisShare | null = null;
  // Batches are handled strictly one after another, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      try {
        const store = await storePromise;
        share ??= new AnalysisShare(store, layout);
        if (message.type === 'jobs') {
          const result = await inReadSnapshot(store, () => share!.run(message.jobs));
          const reply: FromWorker = { type: 'chunk', result };
          port.postMessage(reply, [
            result.signalDates.buffer as ArrayBuffer,
            result.signalKinds.buffer as ArrayBuffer,
            result.signalValues.buffer as ArrayBuffer,
            ...result.results.flatMap((r) => (r.state ? [r.state.buffer as ArrayBuffer] : [])),
          ]);
        } else {
          const data = share.counts.data;
          const reply: FromWorker = { type: 'counts', data };
          port.postMessage(
            reply,
            data.map((d) => d.buffer as ArrayBuffer),
          );
          await store.close();
        }
      } catch (error) {
        const reply: FromWorker = { type: 'error', message: (error as Error)?.stack ?? String(error) };
        port.postMessage(reply);
      }
    });
  });
}
