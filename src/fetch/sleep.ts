import { whenAborted } from '../sources/when-aborted.js';

/** setTimeout as a promise that rejects with the signal's reason on abort. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const stopWaiting = signal
      ? whenAborted(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : null;
    const timer = setTimeout(() => {
      stopWaiting?.();
      resolve();
    }, ms);
  });
}
