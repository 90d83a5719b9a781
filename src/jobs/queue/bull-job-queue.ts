import { createHash } from 'node:crypto';
import type { FlowJob, FlowProducer, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { JobRun, JobStatus } from '../../domain/job-run.js';
import type { Store } from '../../store/store.js';
import { emitJobEvent } from '../emit-job-event.js';
import { fetchSymbolsOf } from '../handlers/fetch-symbols.js';
import { newJobId, normalizeParams } from '../job-ids.js';
import { JOB_KINDS, type JobKind } from '../job-kinds.js';
import { isJobOwnerAlive, QUEUE_OWNER_PREFIX } from '../job-owner.js';
import type { JobEvent, JobHandle, JobListener, JobQueue } from '../job-queue.js';
import { pruneJobRuns } from '../prune-job-runs.js';
import { connectReadyRedis, connectRedis, redisErrorLog } from './connect-redis.js';
import { checkQueueStore } from './queue-store-claim.js';
import { joinKey, QUEUE_NAME, type QueuedWork, type RunProgressEvent, runKeys, workJobId } from './queued-work.js';

export interface BullJobQueueOptions {
  store: Store;
  config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'queueChunkSize' | 'jobRetentionDays'>;
  log?: (message: string) => void;
  redact?: (text: string) => string;
  /** How often a waiting `done` reads its run from the store, ms. Default 250. */
  pollMs?: number;
}

/** Attempts of each queued part before its run fails; retried with exponential backoff from 1 s. */
const ATTEMPTS = 4;
/** A join key outlives any run: a run that never finished (its queue wiped) stops being joined after this. */
const JOIN_TTL_MS = 24 * 3_600_000;
const FINISHED: readonly JobStatus[] = ['succeeded', 'partial', 'failed', 'cancelled', 'interrupted'];

/**
 * The JobQueue on BullMQ over Redis: `serve`, `update`, `fetch` and the scheduler queue their jobs here and
 * `marketdeck worker` processes anywhere run them. Every run is still one job_runs row in the shared store,
 * which workers update as they go, so `jobs`, `status` and the HTTP API read it as before; progress events
 * of every worker come back through BullMQ's event stream to /api/events.
 *
 * A fetch or update run is split here into chunks of QUEUE_CHUNK_SIZE tickers (one BullMQ flow: chunks, then
 * the fetch's metrics, then analyze and precompute); each part's job id is derived from the run id, so
 * queueing a part twice adds it once. A request equal to a run queued or running joins it, across processes:
 * the first request takes a Redis key for its kind and params, and the next finds the run there.
 */
export class BullJobQueue implements JobQueue {
  private readonly listeners = new Set<JobListener>();
  private readonly log: (message: string) => void;
  private readonly pollMs: number;
  private readonly owner: string;
  private parts: Promise<{ redis: Redis; flows: FlowProducer; events: QueueEvents; connections: Redis[] }> | null =
    null;
  private started: Promise<{ interrupted: number; pruned: number }> | null = null;
  private closed = false;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly opts: BullJobQueueOptions) {
    this.log = opts.log ?? (() => {});
    this.pollMs = opts.pollMs ?? 250;
    this.owner = `${QUEUE_OWNER_PREFIX}${opts.config.queuePrefix}`;
  }

  /** Connects on first use, so a process that never queues a job never loads BullMQ or opens a connection. */
  private connect() {
    this.parts ??= (async () => {
      const { FlowProducer, QueueEvents } = await import('bullmq');
      const { redisUrl, queuePrefix: prefix } = this.opts.config;
      const onError = redisErrorLog(this.log);
      let redis: Redis;
      try {
        redis = await connectReadyRedis(redisUrl, onError);
      } catch (error) {
        this.parts = null;
        throw error;
      }
      const flowConnection = connectRedis(redisUrl, { forBullMQ: true, onError });
      const eventConnection = connectRedis(redisUrl, { forBullMQ: true, onError });
      const flows = new FlowProducer({ connection: flowConnection, prefix });
      const events = new QueueEvents(QUEUE_NAME, { connection: eventConnection, prefix });
      // BullMQ passes its connections' errors on (AUTH's arguments included); connectRedis logs them, masked.
      flows.on('error', () => {});
      events.on('error', () => {});
      // Workers report a run's progress (all its chunks together) as their BullMQ job's progress.
      events.on('progress', ({ data }) => {
        const p = data as Partial<RunProgressEvent> | null;
        if (p && typeof p.runId === 'string' && p.kind && p.progress) {
          this.emit({ type: 'progress', id: p.runId, kind: p.kind, progress: p.progress });
        }
      });
      return { redis, flows, events, connections: [redis, flowConnection, eventConnection] };
    })();
    return this.parts;
  }

  start(): Promise<{ interrupted: number; pruned: number }> {
    this.started ??= (async () => {
      const interrupted = await this.opts.store.jobRuns.markInterrupted(isJobOwnerAlive);
      const days = this.opts.config.jobRetentionDays;
      const pruned = days === undefined ? 0 : await pruneJobRuns(this.opts.store.jobRuns, days, new Date());
      return { interrupted, pruned };
    })();
    return this.started;
  }

  async enqueue(kind: JobKind, params: Record<string, unknown> = {}): Promise<JobHandle> {
    if (!(kind in JOB_KINDS)) throw new Error(`job kind "${kind}" is unknown`);
    if (this.closed) throw new Error(`the job queue is closed; job "${kind}" was not queued`);
    await this.start();
    const { redis, flows } = await this.connect();
    const prefix = this.opts.config.queuePrefix;
    await checkQueueStore(redis, prefix, this.opts.store);
    const normalized = normalizeParams(params);
    const key = joinKey(prefix, kind, createHash('sha256').update(JSON.stringify(normalized)).digest('hex'));
    const id = newJobId(kind, new Date());
    // Atomic across processes: only one request takes the key; the others join its run while it is active.
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await redis.set(key, id, 'PX', JOIN_TTL_MS, 'NX')) === 'OK') break;
      const other = await redis.get(key);
      const run = other ? await this.opts.store.jobRuns.get(other) : null;
      if (run && !FINISHED.includes(run.status)) {
        return { id: run.id, kind, joined: true, done: this.waitFor(run.id) };
      }
      // The key outlived its run (a worker died between the two writes): take it over.
      if (other) await redis.del(key);
    }
    const run = await this.opts.store.jobRuns.create({ id, kind, params: normalized, owner: this.owner });
    this.emit({ type: 'queued', run });
    try {
      // Where a cancel finds the join key of a run no worker has started.
      await redis.hset(runKeys(prefix, id).counters, 'join', key);
      await flows.add(await this.flowOf(id, kind, normalized, key));
    } catch (error) {
      await redis.del(key);
      await this.opts.store.jobRuns.update(id, {
        status: 'failed',
        finishedAt: new Date(),
        error: this.redact(`could not queue: ${(error as Error).message}`),
      });
      throw error;
    }
    return { id, kind, joined: false, done: this.waitFor(id) };
  }

  /** The run's parts as one BullMQ flow (the root runs last, once its children are done). */
  private async flowOf(runId: string, kind: JobKind, params: Record<string, unknown>, join: string): Promise<FlowJob> {
    const prefix = this.opts.config.queuePrefix;
    const opts = (part: string, child: boolean) => ({
      jobId: workJobId(runId, part),
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
      ...(child ? { failParentOnFailure: true } : {}),
    });
    const step = (
      step: 'analyze' | 'precompute' | 'report' | 'fetch' | 'backfill',
      final: boolean,
      children?: FlowJob[],
    ) =>
      ({
        name: 'step',
        queueName: QUEUE_NAME,
        prefix,
        data: { type: 'step', runId, kind, step, params, final, join } satisfies QueuedWork,
        opts: opts(step, !final),
        children,
      }) as FlowJob;
    if (kind !== 'fetch' && kind !== 'update') return step(kind, true);
    const planned = await fetchSymbolsOf(this.opts.store, params);
    const size = this.opts.config.queueChunkSize;
    const children: FlowJob[] = [];
    for (let i = 0; i * size < planned.symbols.length; i++) {
      children.push({
        name: 'chunk',
        queueName: QUEUE_NAME,
        prefix,
        data: {
          type: 'chunk',
          runId,
          kind,
          params,
          symbols: planned.symbols.slice(i * size, (i + 1) * size),
          index: i,
        } satisfies QueuedWork,
        opts: opts(`c${i}`, true),
      });
    }
    const { redis } = await this.connect();
    await redis.hset(runKeys(prefix, runId).counters, { total: planned.symbols.length, done: 0 });
    await redis.pexpire(runKeys(prefix, runId).counters, JOIN_TTL_MS);
    const collect: FlowJob = {
      name: 'collect',
      queueName: QUEUE_NAME,
      prefix,
      data: { type: 'collect', runId, kind, params, final: kind === 'fetch', join } satisfies QueuedWork,
      opts: opts('collect', kind !== 'fetch'),
      children,
    };
    if (kind === 'fetch') return collect;
    return step('precompute', true, [step('analyze', false, [collect])]);
  }

  /** Resolves with the run once the store records it finished (whichever worker finished it). */
  private waitFor(id: string): Promise<JobRun> {
    return new Promise<JobRun>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const stop = () => {
        if (timer) clearTimeout(timer);
        this.waiting.delete(stop);
      };
      const check = async () => {
        try {
          const run = await this.opts.store.jobRuns.get(id);
          if (run && FINISHED.includes(run.status)) {
            stop();
            this.emit({ type: 'finished', run });
            resolve(run);
            return;
          }
        } catch (error) {
          this.log(`reading job run ${id} failed: ${error}`);
        }
        if (!this.closed) timer = setTimeout(check, this.pollMs);
      };
      this.waiting.add(stop);
      void check();
    });
  }

  get(id: string): Promise<JobRun | null> {
    return this.opts.store.jobRuns.get(id);
  }

  list(opts?: { kind?: JobKind; status?: JobStatus; limit?: number }): Promise<JobRun[]> {
    return this.opts.store.jobRuns.list(opts);
  }

  async active(): Promise<JobRun[]> {
    return (await this.opts.store.jobRuns.list({ status: ['queued', 'running'] })).reverse();
  }

  /**
   * Asks the run to stop: workers skip its chunks not started yet, and stop its running parts at their next
   * look at the cancel key (a chunk after its request in flight: the tickers it stored stay, each written
   * whole); its last part records it cancelled.
   */
  async cancel(id: string): Promise<boolean> {
    const run = await this.opts.store.jobRuns.get(id);
    if (!run || FINISHED.includes(run.status)) return false;
    const { redis } = await this.connect();
    const keys = runKeys(this.opts.config.queuePrefix, id);
    await redis.set(keys.cancel, '1', 'PX', JOIN_TTL_MS);
    // A run no worker has started (none may be running) ends now: taking 'started' first keeps any worker from
    // marking it running, and its parts are skipped whenever a worker takes them. A new equal request then
    // queues a run of its own instead of joining this one.
    if ((await redis.hsetnx(keys.counters, 'started', 'cancelled')) === 1) {
      await this.opts.store.jobRuns.update(id, { status: 'cancelled', finishedAt: new Date() });
      const join = await redis.hget(keys.counters, 'join');
      if (join && (await redis.get(join)) === id) await redis.del(join);
    }
    return true;
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops waiting and closes the connections; queued runs stay queued for the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const stop of [...this.waiting]) stop();
    if (!this.parts) return;
    const { flows, events, connections } = await this.parts;
    await Promise.allSettled([events.close(), flows.close()]);
    // BullMQ leaves the connections it was given open.
    for (const c of connections) c.disconnect();
  }

  private redact(text: string): string {
    return this.opts.redact ? this.opts.redact(text) : text;
  }

  private emit(event: JobEvent): void {
    emitJobEvent(this.listeners, event, this.log);
  }
}
