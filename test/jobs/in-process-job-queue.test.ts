import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { JobStatus } from '../../src/domain/job-run.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import type { JobHandler, JobHandlers } from '../../src/jobs/job-handler.js';
import type { JobEvent } from '../../src/jobs/job-queue.js';
import type { JobRunRepo, Store } from '../../src/store/store.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';

/** A handler that waits until the test releases it, counting its calls. */
function gated(metrics: Record<string, unknown> = { ok: true }) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const state = { calls: 0, started: [] as string[] };
  const handler: JobHandler = async (ctx) => {
    state.calls++;
    state.started.push(ctx.id);
    await gate;
    ctx.signal.throwIfAborted();
    return metrics;
  };
  return { handler, release, state };
}

/**
 * Records the status of every create and update reaching job_runs. Every method is forwarded by name with
 * its arguments: a spread of a class instance would copy none of its methods.
 */
function recordingRuns(inner: JobRunRepo, log: string[]): JobRunRepo {
  return {
    create: (run) => {
      log.push(`${run.id}:${run.status ?? 'queued'}`);
      return inner.create(run);
    },
    update: (id, patch) => {
      if (patch.status) log.push(`${id}:${patch.status}`);
      return inner.update(id, patch);
    },
    get: (id) => inner.get(id),
    list: (opts) => inner.list(opts),
    markInterrupted: (isOwnerAlive) => inner.markInterrupted(isOwnerAlive),
    prune: (before) => inner.prune(before),
  };
}

describe('InProcessJobQueue', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let queue: InProcessJobQueue | null;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    queue = null;
  });
  afterEach(async () => {
    await queue?.close();
    await dispose();
  });

  function makeQueue(handlers: JobHandlers, jobRuns: JobRunRepo = store.jobRuns, retentionDays?: number) {
    queue = new InProcessJobQueue({ jobRuns, handlers, retentionDays, progressIntervalMs: 0 });
    return queue;
  }

  it('records queued, running and succeeded in job_runs with the final progress and metrics', async () => {
    const log: string[] = [];
    const q = makeQueue(
      {
        precompute: async (ctx) => {
          ctx.progress({ done: 1, total: 2, stage: 'build', message: 'half way' });
          ctx.progress({ done: 2, total: 2, stage: 'write', message: 'written' });
          return { entries: 7 };
        },
      },
      recordingRuns(store.jobRuns, log),
    );
    const handle = await q.enqueue('precompute');
    const run = await handle.done;
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(log, [`${handle.id}:queued`, `${handle.id}:running`, `${handle.id}:succeeded`]);
    const stored = await store.jobRuns.get(handle.id);
    assert.equal(stored?.status, 'succeeded');
    assert.deepEqual(stored?.metrics, { entries: 7 });
    assert.deepEqual(stored?.progress, { done: 2, total: 2, stage: 'write', message: 'written' });
    assert.ok(stored?.startedAt && stored.finishedAt && stored.finishedAt >= stored.startedAt);
    assert.equal(stored?.error, null);
  });

  it('fails a job whose handler throws, with the error, and runs the other jobs as usual', async () => {
    const q = makeQueue({
      analyze: async () => {
        throw new Error('bars table is empty');
      },
      precompute: async () => ({ ok: true }),
    });
    const bad = await q.enqueue('analyze');
    const good = await q.enqueue('precompute');
    const [badRun, goodRun] = await Promise.all([bad.done, good.done]);
    assert.equal(badRun.status, 'failed');
    assert.equal(badRun.error, 'bars table is empty');
    assert.equal(goodRun.status, 'succeeded');
    assert.equal((await store.jobRuns.get(bad.id))?.error, 'bars table is empty');
    assert.equal((await store.jobRuns.get(good.id))?.status, 'succeeded');
  });

  it('joins a second update with equal params while one runs, and queues one with other params', async () => {
    const g = gated();
    const q = makeQueue({ update: g.handler });
    const first = await q.enqueue('update', { universe: 'sp500', force: false });
    const second = await q.enqueue('update', { force: false, universe: 'sp500' });
    const other = await q.enqueue('update', { universe: 'nasdaq' });
    assert.equal(second.id, first.id);
    assert.equal(second.joined, true);
    assert.notEqual(other.id, first.id);
    assert.equal(other.joined, false);
    assert.equal((await q.get(other.id))?.status, 'queued');
    g.release();
    const [a, b, c] = await Promise.all([first.done, second.done, other.done]);
    assert.equal(a.status, 'succeeded');
    assert.deepEqual(b, a);
    assert.equal(c.status, 'succeeded');
    assert.deepEqual(g.state.started, [first.id, other.id]);
    assert.equal((await store.jobRuns.list({ kind: 'update' })).length, 2);
  });

  it('holds a precompute and an analyze until a running update (which does both too) is done', async () => {
    const order: string[] = [];
    const g = gated();
    const q = makeQueue({
      update: async (ctx) => {
        order.push('update start');
        const m = await g.handler(ctx);
        order.push('update end');
        return m;
      },
      precompute: async () => {
        order.push('precompute');
        return {};
      },
      analyze: async () => {
        order.push('analyze');
        return {};
      },
    });
    const update = await q.enqueue('update');
    const pre = await q.enqueue('precompute');
    const analyze = await q.enqueue('analyze');
    assert.equal((await q.get(pre.id))?.status, 'queued');
    assert.equal((await q.get(analyze.id))?.status, 'queued');
    g.release();
    await Promise.all([update.done, pre.done, analyze.done]);
    assert.deepEqual(order.slice(0, 2), ['update start', 'update end']);
    assert.deepEqual(order.slice(2).sort(), ['analyze', 'precompute']);
  });

  it('runs a job that writes something else while another runs', async () => {
    const g = gated();
    const q = makeQueue({ fetch: g.handler, analyze: async () => ({ analysed: 1 }) });
    const fetch = await q.enqueue('fetch');
    const analyze = await q.enqueue('analyze');
    assert.equal((await analyze.done).status, 'succeeded');
    assert.equal((await q.get(fetch.id))?.status, 'running');
    g.release();
    assert.equal((await fetch.done).status, 'succeeded');
  });

  it('marks runs a crashed process left queued or running as interrupted when it starts', async () => {
    await store.jobRuns.create({ id: 'update-old', kind: 'update', params: {}, status: 'running' });
    await store.jobRuns.create({ id: 'fetch-old', kind: 'fetch', params: {}, status: 'queued' });
    await store.jobRuns.create({ id: 'precompute-done', kind: 'precompute', params: {}, status: 'succeeded' });
    const q = makeQueue({ precompute: async () => ({}) });
    assert.deepEqual(await q.start(), { interrupted: 2, pruned: 0 });
    assert.equal((await store.jobRuns.get('update-old'))?.status, 'interrupted');
    assert.equal((await store.jobRuns.get('fetch-old'))?.status, 'interrupted');
    assert.equal((await store.jobRuns.get('precompute-done'))?.status, 'succeeded');
  });

  it('prunes finished runs older than the retention at start and keeps recent ones', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await store.jobRuns.create({ id: 'old', kind: 'precompute', params: {} });
    await store.jobRuns.update('old', { status: 'succeeded', finishedAt: old });
    await store.jobRuns.create({ id: 'recent', kind: 'precompute', params: {} });
    await store.jobRuns.update('recent', { status: 'failed', finishedAt: new Date() });
    const q = makeQueue({ precompute: async () => ({}) }, store.jobRuns, 30);
    assert.equal((await q.start()).pruned, 1);
    assert.equal(await store.jobRuns.get('old'), null);
    assert.equal((await store.jobRuns.get('recent'))?.status, 'failed');
  });

  it('cancels a queued job at once and a running one through its signal', async () => {
    const g = gated();
    const q = makeQueue({ fetch: g.handler });
    const running = await q.enqueue('fetch', { symbols: ['AAPL'] });
    const waiting = await q.enqueue('fetch', { symbols: ['MSFT'] });
    assert.equal(await q.cancel(waiting.id), true);
    assert.equal((await waiting.done).status, 'cancelled');
    assert.equal(await q.cancel(running.id), true);
    g.release();
    const run = await running.done;
    assert.equal(run.status, 'cancelled');
    assert.match(run.error ?? '', /cancelled/);
    assert.equal(await q.cancel(running.id), false);
    assert.equal(g.state.calls, 1);
    assert.equal((await store.jobRuns.get(waiting.id))?.status, 'cancelled');
  });

  it('tells subscribers about every transition and throttled progress', async () => {
    const events: string[] = [];
    const q = makeQueue({
      precompute: async (ctx) => {
        ctx.progress({ done: 1, total: 1, stage: 'write', message: 'done' });
        return {};
      },
    });
    q.subscribe((e: JobEvent) => events.push(e.type === 'progress' ? `progress ${e.progress.done}` : e.type));
    await (await q.enqueue('precompute')).done;
    assert.deepEqual(events, ['queued', 'started', 'progress 1', 'finished']);
  });

  it("ends each step's progress with its last count, however closely the events follow each other", async () => {
    // Only the first event of the run is due within a minute's throttle: what the others show is all the fix's.
    queue = new InProcessJobQueue({
      jobRuns: store.jobRuns,
      progressIntervalMs: 60_000,
      handlers: {
        update: async (ctx) => {
          for (let done = 0; done <= 32; done++) ctx.progress({ done, total: 32, stage: 'fetch', message: '' });
          for (let done = 0; done <= 31; done++) ctx.progress({ done, total: 40, stage: 'analyze', message: '' });
          ctx.progress({ done: 0, total: 1, stage: 'precompute', message: 'cache' });
          return {};
        },
      },
    });
    const events: string[] = [];
    queue.subscribe((e: JobEvent) => {
      if (e.type === 'progress') events.push(`${e.progress.stage} ${e.progress.done}/${e.progress.total}`);
    });
    await (await queue.enqueue('update')).done;
    const lastOf = (stage: string) => events.filter((e) => e.startsWith(`${stage} `)).at(-1);
    assert.equal(lastOf('fetch'), 'fetch 32/32', 'a finished step says so at once');
    assert.equal(
      lastOf('analyze'),
      'analyze 31/40',
      'a step left unfinished ends with its last count, not an earlier one',
    );
  });

  it('refuses a kind it has no handler for, naming it', async () => {
    const q = makeQueue({ precompute: async () => ({}) });
    await assert.rejects(q.enqueue('fetch'), /job kind "fetch" has no handler here; this queue runs precompute/);
    const statuses: JobStatus[] = (await store.jobRuns.list()).map((r) => r.status);
    assert.deepEqual(statuses, []);
  });
});
