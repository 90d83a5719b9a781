/** Everyone waiting on each signal; the signal itself has one listener that wakes them all. */
const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` when `signal` aborts (at once when it already has); returns the function that stops waiting.
 * A run hands one signal to thousands of requests and to every worker waiting for a slot, a token or a
 * backoff: one listener per signal instead of one per wait, because EventTarget listeners are slow to add
 * and remove and Node warns past ten on one signal.
 */
export function whenAborted(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let waiters = abortWaiters.get(signal);
  if (waiters === undefined) {
    const set = new Set<() => void>();
    waiters = set;
    abortWaiters.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        abortWaiters.delete(signal);
        for (const wake of set) wake();
      },
      { once: true },
    );
  }
  const own = waiters;
  own.add(fn);
  return () => own.delete(fn);
}
