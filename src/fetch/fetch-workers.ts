/**
 * Tickers written per transaction at most, and how long a ready ticker waits for others to share its
 * commit. A daily update's write is tiny, so the commit is a large part of it; a few ms of waiting costs
 * nothing against the request round trips that bound the run.
 */
export const WRITE_BATCH = 32;
export const WRITE_DELAY_MS = 4;
/** Workers started per turn of the event loop when a run begins. */
const START_GROUP = 4;

/**
 * Runs the workers of a fetch or a backfill over `tickers` tickers with `slots` requests in flight at most.
 * More workers than request slots, so that while some parse an answer or wait for their batch to be
 * committed the slots stay full; each holds one answer at most, so memory stays bounded. The first requests
 * leave in small groups, each group on the wire before the next one is planned: the first answers then come
 * back spread out, and the slow first pass through cold code overlaps the waits instead of holding up
 * answers that all arrived together. The spare workers start last.
 */
export async function runWorkers(slots: number, tickers: number, worker: () => Promise<void>): Promise<void> {
  const spare = Math.max(2, Math.ceil(slots / 4)) + Math.min(WRITE_BATCH, slots);
  const workers = Math.min(tickers, slots + spare);
  const running: Promise<void>[] = [];
  const first = Math.min(workers, slots);
  while (running.length < first) {
    for (let k = 0; k < START_GROUP && running.length < first; k++) running.push(worker());
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  while (running.length < workers) running.push(worker());
  await Promise.all(running);
}
