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

/**
 * Runs a write until it gets the lock: each busy answer (after the connection's busy timeout) is followed by a
 * pause that doubles up to a second, with the event loop free meanwhile, so this process's other work (and the
 * lock holder, when it is this process) carries on. Any other error is thrown at once; so is the last busy
 * answer once BUSY_RETRY_LIMIT_MS has passed, naming what could not be written.
 */
export async function retryWhileBusy<T>(write: () => T, what: string): Promise<T> {
  const started = performance.now();
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      return write();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (performance.now() - started >= BUSY_RETRY_LIMIT_MS) {
        throw new Error(
          `could not write ${what}: the database stayed locked by another writer for ${Math.round(BUSY_RETRY_LIMIT_MS / 1000)} s`,
          {
            cause: error,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random() / 2)));
      pause = Math.min(LONGEST_PAUSE_MS, pause * 2);
    }
  }
}
