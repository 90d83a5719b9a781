import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobProgress } from '../../src/domain/job-run.js';
import { createUpdateHandler } from '../../src/jobs/handlers/update-handler.js';
import type { JobContext, JobHandler } from '../../src/jobs/job-handler.js';

function context(progress: Partial<JobProgress>[]): JobContext {
  return {
    id: 'update-1',
    kind: 'update',
    params: { universe: 'sp500' },
    signal: new AbortController().signal,
    progress: (p) => progress.push(p),
    log: () => {},
  };
}

describe('update job', () => {
  it('runs fetch, then analyze, then precompute with the same params, keeping each step’s metrics', async () => {
    const order: string[] = [];
    const step =
      (name: string): JobHandler =>
      async (ctx) => {
        order.push(`${name}:${ctx.params.universe}`);
        ctx.progress({ done: 1, total: 1, stage: 'work', message: name });
        return { step: name };
      };
    const progress: Partial<JobProgress>[] = [];
    const update = createUpdateHandler({
      fetch: step('fetch'),
      analyze: step('analyze'),
      precompute: step('precompute'),
    });
    const metrics = await update(context(progress));
    assert.deepEqual(order, ['fetch:sp500', 'analyze:sp500', 'precompute:sp500']);
    assert.deepEqual(metrics.fetch, { step: 'fetch' });
    assert.deepEqual(metrics.precompute, { step: 'precompute' });
    assert.deepEqual(Object.keys(metrics.durationsMs as object), ['fetch', 'analyze', 'precompute']);
    assert.deepEqual(
      progress.map((p) => p.stage),
      ['fetch', 'fetch/work', 'analyze', 'analyze/work', 'precompute', 'precompute/work'],
    );
  });

  it('stops at the first failing step and says which one failed', async () => {
    const ran: string[] = [];
    const ok =
      (name: string): JobHandler =>
      async () => {
        ran.push(name);
        return {};
      };
    const update = createUpdateHandler({
      fetch: ok('fetch'),
      analyze: async () => {
        throw new Error('no bars stored');
      },
      precompute: ok('precompute'),
    });
    await assert.rejects(update(context([])), /analyze failed: no bars stored/);
    assert.deepEqual(ran, ['fetch']);
  });
});
