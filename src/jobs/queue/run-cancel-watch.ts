import type { Redis } from 'ioredis';
import { runKeys } from './queued-work.js';

/** How often a worker looks whether the runs of its running parts were cancelled, ms. */
export const CANCEL_POLL_MS = 1000;

/**
 * Calls `check` on a schedule until the returned function is called. The default is a real timer every
 * CANCEL_POLL_MS; a test passes its own and calls `check` when it has cancelled.
 */
export type CancelPoll = (check: () => Promise<void>) => () => void;

/** Every CANCEL_POLL_MS, one look at a time (a slow Redis never stacks them up). */
export const pollEverySecond: CancelPoll = (check) => {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void check().finally(() => {
      busy = false;
    });
  }, CANCEL_POLL_MS);
  // A worker closing waits for its parts, not for this timer.
  timer.unref();
  return () => clearInterval(timer);
};

/** What a running part holds: a signal aborted when its run is cancelled, released when the part ends. */
export interface CancelWatchHandle {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * The runs a worker has parts of running, watched for cancel: a cancel sets the run's cancel key, and every
 * worker with a part of that run aborts the part's signal at its next look, so a running chunk stops after the
 * requests in flight (what it stored stays stored) instead of fetching the rest of its tickers. One look
 * reads the keys of every watched run at once; the timer runs only while some part is running.
 */
export class RunCancelWatch {
  private readonly watched = new Map<string, Set<AbortController>>();
  private stopPoll: (() => void) | null = null;

  constructor(
    private readonly redis: Pick<Redis, 'mget'>,
    private readonly prefix: string,
    private readonly poll: CancelPoll = pollEverySecond,
    private readonly log: (message: string) => void = () => {},
  ) {}

  watch(runId: string): CancelWatchHandle {
    const controller = new AbortController();
    let parts = this.watched.get(runId);
    if (!parts) this.watched.set(runId, (parts = new Set()));
    parts.add(controller);
    this.stopPoll ??= this.poll(() => this.check());
    return {
      signal: controller.signal,
      release: () => {
        parts.delete(controller);
        if (parts.size === 0 && this.watched.get(runId) === parts) this.watched.delete(runId);
        if (this.watched.size === 0 && this.stopPoll) {
          this.stopPoll();
          this.stopPoll = null;
        }
      },
    };
  }

  /** One look at the cancel keys of the watched runs; aborts the parts of those cancelled. */
  async check(): Promise<void> {
    const runIds = [...this.watched.keys()];
    if (runIds.length === 0) return;
    let values: (string | null)[];
    try {
      values = await this.redis.mget(runIds.map((id) => runKeys(this.prefix, id).cancel));
    } catch (error) {
      // Redis away for a moment: the next look asks again; the parts run on meanwhile.
      this.log(`looking for cancelled runs failed: ${(error as Error).message}`);
      return;
    }
    runIds.forEach((runId, i) => {
      if (values[i] === null) return;
      for (const c of this.watched.get(runId) ?? []) c.abort(new RunCancelledError(runId));
    });
  }
}

/** Why a part's signal was aborted: its run was cancelled. */
export class RunCancelledError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} was cancelled`);
    this.name = 'AbortError';
  }
}
