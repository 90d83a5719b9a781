import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveConcurrency } from '../../src/fetch/adaptive-concurrency.js';
import { sleep } from '../../src/fetch/sleep.js';
import { TokenBucketLimiter } from '../../src/fetch/token-bucket.js';

const WAITERS = 40;

/** Runs `body` and returns the MaxListenersExceededWarnings Node emitted meanwhile. */
async function listenerWarningsDuring(body: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // Node emits warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

/** Every wait must reject with the abort reason. */
async function assertAllAborted(waits: Promise<unknown>[], reason: Error): Promise<void> {
  const results = await Promise.allSettled(waits);
  assert.equal(results.length, WAITERS);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    assert.equal((result as PromiseRejectedResult).reason, reason);
  }
}

describe('one run signal shared by many waiters', () => {
  it('AdaptiveConcurrency: no listener warning, and the abort wakes every waiter', async () => {
    const c = new AdaptiveConcurrency({ max: 1 });
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const warnings = await listenerWarningsDuring(async () => {
      const held = await c.acquire(controller.signal);
      const waits = Array.from({ length: WAITERS }, () => c.acquire(controller.signal));
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort(reason);
      await assertAllAborted(waits, reason);
      held();
    });
    assert.deepEqual(warnings, []);
    assert.equal(c.inFlight, 0);
    // The aborted waiters left the queue: the next request gets the slot at once.
    const release = await c.acquire();
    assert.equal(c.inFlight, 1);
    release();
  });

  it('AdaptiveConcurrency: a granted waiter no longer reacts to the abort', async () => {
    const c = new AdaptiveConcurrency({ max: 1 });
    const controller = new AbortController();
    const first = await c.acquire(controller.signal);
    const second = c.acquire(controller.signal);
    first();
    const release = await second;
    controller.abort(new Error('run cancelled'));
    assert.equal(c.inFlight, 1);
    release();
    assert.equal(c.inFlight, 0);
  });

  it('TokenBucketLimiter: no listener warning, and the abort wakes every waiter', async () => {
    const limiter = new TokenBucketLimiter({ perDay: 1 });
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const warnings = await listenerWarningsDuring(async () => {
      await limiter.acquire(controller.signal);
      const waits = Array.from({ length: WAITERS }, () => limiter.acquire(controller.signal));
      assert.equal(limiter.waiting, WAITERS);
      controller.abort(reason);
      await assertAllAborted(waits, reason);
    });
    assert.deepEqual(warnings, []);
    assert.equal(limiter.waiting, 0);
  });

  it('sleep: no listener warning, and the abort wakes every sleeper', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const warnings = await listenerWarningsDuring(async () => {
      const waits = Array.from({ length: WAITERS }, () => sleep(60_000, controller.signal));
      controller.abort(reason);
      await assertAllAborted(waits, reason);
    });
    assert.deepEqual(warnings, []);
  });
});
