import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobProgress } from '../../domain/job-run.js';
import type { Store } from '../../store/store.js';
import { type RunProgressEvent, runKeys } from './queued-work.js';

/** Sets a chunk's count in its run's counters when higher; -1 when the run's counters are gone (it ended). */
const RAISE_CHUNK_COUNT = `
if redis.call('HEXISTS', KEYS[1], 'total') == 0 then return -1 end
local was = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > was then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`;

/** At most one progress write per run per this many ms from one worker. */
const PROGRESS_EVERY_MS = 250;

/**
 * A run's progress from every worker: each chunk records how many of its tickers are done in the run's
 * Redis hash, and a worker publishes the sum (as its BullMQ job's progress, which every process's queue
 * hears, and into job_runs) at most every PROGRESS_EVERY_MS.
 */
export class RunProgressReporter {
  private readonly lastAt = new Map<string, number>();
  /** When each running chunk ("run/index") last wrote its count. */
  private readonly chunkWrittenAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly store: Store,
    private readonly prefix: string,
  ) {}

  /** Marks the run running once, whichever worker starts first. */
  async started(runId: string): Promise<void> {
    if ((await this.redis.hsetnx(runKeys(this.prefix, runId).counters, 'started', '1')) === 1) {
      await this.store.jobRuns.update(runId, { status: 'running', startedAt: new Date() });
    }
  }

  async chunkDone(
    job: Job,
    runId: string,
    kind: RunProgressEvent['kind'],
    index: number,
    done: number,
    chunkSize: number,
  ): Promise<void> {
    // A chunk's count goes to Redis every PROGRESS_EVERY_MS and at its end, not after each ticker: a round
    // trip per ticker was a tenth of a worker's CPU per request, for a progress figure read four times a second.
    const chunk = `${runId}/${index}`;
    const now = Date.now();
    if (done < chunkSize && now - (this.chunkWrittenAt.get(chunk) ?? 0) < PROGRESS_EVERY_MS) return;
    if (done < chunkSize) setThrottled(this.chunkWrittenAt, chunk, now);
    else this.chunkWrittenAt.delete(chunk);
    const key = runKeys(this.prefix, runId).counters;
    // Per chunk, not added: a chunk run again after its worker died counts its tickers once; and only upwards,
    // so a retried chunk counting from 0 again never moves the run's progress back. A run already finished
    // (its counters deleted) gets no count.
    const kept = (await this.redis.eval(RAISE_CHUNK_COUNT, 1, key, `c${index}`, done)) as number;
    if (kept < 0) return;
    // A chunk's end is always published: the last chunk's is the run's done === total, which a throttle
    // must not drop.
    if (!this.due(runId) && done < chunkSize) return;
    const fields = await this.redis.hgetall(key);
    let sum = 0;
    for (const [k, v] of Object.entries(fields)) if (k.startsWith('c')) sum += Number(v);
    const total = Number(fields.total ?? 0);
    await this.publish(job, runId, kind, { done: sum, total, stage: 'fetch', message: `${sum} of ${total} tickers` });
  }

  async step(job: Job, runId: string, kind: RunProgressEvent['kind'], p: Partial<JobProgress>): Promise<void> {
    // A stage's completion is always published, so its last count is what the run shows.
    const complete = p.done !== undefined && p.total !== undefined && p.done >= p.total;
    if (!this.due(runId) && !complete) return;
    await this.publish(job, runId, kind, {
      done: p.done ?? 0,
      total: p.total ?? 0,
      stage: p.stage ?? '',
      message: p.message ?? '',
    });
  }

  private due(runId: string): boolean {
    const now = Date.now();
    if (now - (this.lastAt.get(runId) ?? 0) < PROGRESS_EVERY_MS) return false;
    setThrottled(this.lastAt, runId, now);
    return true;
  }

  private async publish(job: Job, runId: string, kind: RunProgressEvent['kind'], progress: JobProgress) {
    const event: RunProgressEvent = { runId, kind, progress };
    await Promise.allSettled([job.updateProgress(event as never), this.store.jobRuns.update(runId, { progress })]);
  }
}

/**
 * Notes when `key` last went out. An entry older than PROGRESS_EVERY_MS throttles nothing, so such entries are
 * dropped as the map grows: a worker running for months sees runs (and chunks cut short) without end.
 */
function setThrottled(times: Map<string, number>, key: string, now: number): void {
  times.set(key, now);
  if (times.size <= 64) return;
  for (const [k, at] of times) if (now - at >= PROGRESS_EVERY_MS) times.delete(k);
}
