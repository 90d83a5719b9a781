/**
 * How long a job record's write keeps trying against other processes' write locks, beyond SQLite's own busy
 * timeout: a precompute or an analysis holding the lock through a long commit must delay the record, never
 * drop it (a job left `running` after it finished, or progress that went missing).
 */
const BUSY_RETRY_LIMIT_MS = 300_000;
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 1_000;

/** SQLITE_BUSY (another connection holds the lock past the busy timeout) and SQLITE_LOCKED, with their extended codes. */
function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface RetryWhileBusyOptions {
  limitMs?: number;
  /** Called before each pause, with the attempt that failed (1 = first). */
  onBusy?: (attempt: number) => void;
}

/**
 * Runs a write until it gets the lock: each busy answer (after the connection's busy timeout) is followed by a
 * pause that doubles up to a second, with the event loop free meanwhile, so this process's other work (and the
 * lock holder, when it is this process) carries on. Any other error is thrown at once; so is the last busy
 * answer once `limitMs` has passed, naming what could not be written.
 */
export async function retryWhileBusy<T>(write: () => T, what: string, options: RetryWhileBusyOptions = {}): Promise<T> {
  const limitMs = options.limitMs ?? BUSY_RETRY_LIMIT_MS;
  const started = performance.now();
  let pause = FIRST_PAUSE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (performance.now() - started >= limitMs) {
        throw new Error(
          `could not write ${what}: the database stayed locked by another writer for ${Math.round(limitMs / 1000)} s`,
          {
            cause: error,
          },
        );
      }
      options.onBusy?.(attempt);
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random() / 2)));
      pause = Math.min(LONGEST_PAUSE_MS, pause * 2);
    }
  }
}
