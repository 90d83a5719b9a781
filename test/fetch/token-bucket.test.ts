import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucketLimiter } from '../../src/fetch/token-bucket.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
}

describe('TokenBucketLimiter', () => {
  it('admits 5 requests per minute and the 6th only when the first one is a minute old', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ perMinute: 5, now: clock.now });
    const start = clock.now();
    for (let i = 0; i < 5; i++) {
      assert.equal(limiter.tryAcquire(), true, `request ${i + 1}`);
      clock.advance(1_000);
    }
    assert.equal(limiter.tryAcquire(), false);
    assert.equal(limiter.waitMs(), start + 60_000 - clock.now());
    clock.set(start + 59_999);
    assert.equal(limiter.tryAcquire(), false);
    clock.set(start + 60_000);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false, 'the second token returns one minute after it was spent, at +61 s');
    clock.set(start + 61_000);
    assert.equal(limiter.tryAcquire(), true);
  });

  it('never lets more than the limit through in any rolling window', () => {
    const clock = manualClock(0);
    const limiter = new TokenBucketLimiter({ perMinute: 5, now: clock.now });
    const admitted: number[] = [];
    for (let t = 0; t < 5 * 60_000; t += 250) {
      clock.set(t);
      if (limiter.tryAcquire()) admitted.push(t);
    }
    for (const start of admitted) {
      const inWindow = admitted.filter((t) => t >= start && t < start + 60_000).length;
      assert.ok(inWindow <= 5, `${inWindow} requests in the minute from ${start}`);
    }
    assert.equal(admitted.length, 25);
  });

  it('applies every window at once: 2 per second and 3 per minute', () => {
    const clock = manualClock(0);
    const limiter = new TokenBucketLimiter({ perSecond: 2, perMinute: 3, now: clock.now });
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false);
    assert.equal(limiter.waitMs(), 1_000);
    clock.set(1_000);
    assert.equal(limiter.tryAcquire(), true);
    clock.set(2_000);
    assert.equal(limiter.tryAcquire(), false, 'the per-second window has room, the per-minute one not');
    assert.equal(limiter.waitMs(), 58_000);
  });

  it('holds a free Alpha Vantage key to 25 requests a day', () => {
    const clock = manualClock(0);
    const limiter = new TokenBucketLimiter({ perMinute: 5, perDay: 25, now: clock.now });
    let admitted = 0;
    for (let t = 0; t < 86_400_000; t += 10_000) {
      clock.set(t);
      if (limiter.tryAcquire()) admitted++;
    }
    assert.equal(admitted, 25);
  });

  it('counts requests of an earlier process against the day', () => {
    const clock = manualClock(10_000_000);
    const limiter = new TokenBucketLimiter({ perDay: 3, now: clock.now });
    limiter.recordPast(clock.now() - 3_600_000);
    limiter.recordPast(clock.now() - 60_000);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false);
    assert.equal(limiter.waitMs(), 86_400_000 - 3_600_000);
  });

  it('treats 0 and absent limits as no limit', () => {
    const limiter = new TokenBucketLimiter({ perSecond: 0, perMinute: 0, perDay: 0 });
    assert.equal(limiter.unlimited, true);
    for (let i = 0; i < 10_000; i++) assert.equal(limiter.tryAcquire(), true);
  });

  it('spreads a fractional rate over a longer window: 0.5 per second is 1 per 2 seconds', () => {
    const clock = manualClock(0);
    const limiter = new TokenBucketLimiter({ perSecond: 0.5, now: clock.now });
    assert.equal(limiter.tryAcquire(), true);
    clock.set(1_999);
    assert.equal(limiter.tryAcquire(), false);
    clock.set(2_000);
    assert.equal(limiter.tryAcquire(), true);
  });

  it('rejects a negative limit naming the window and the value', () => {
    assert.throws(() => new TokenBucketLimiter({ perMinute: -5 }), /perMinute=-5.*expected a number > 0/);
  });

  it('serves waiting callers first come, first served', async () => {
    const limiter = new TokenBucketLimiter({ perSecond: 2 });
    // Two tokens spent 960 ms ago come back within ~40 ms.
    limiter.recordPast(Date.now() - 960);
    limiter.recordPast(Date.now() - 950);
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => limiter.acquire().then(() => order.push(n)));
    assert.equal(limiter.waiting, 3);
    await Promise.all(waits.slice(0, 2));
    assert.deepEqual(order, [1, 2]);
    assert.equal(limiter.waiting, 1);
    await waits[2];
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('rejects an aborted waiter with the signal reason and serves the next one', async () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1 });
    limiter.recordPast(Date.now() - 970);
    const controller = new AbortController();
    const first = limiter.acquire(controller.signal);
    const second = limiter.acquire();
    controller.abort(new Error('run cancelled'));
    await assert.rejects(first, /run cancelled/);
    assert.equal(limiter.waiting, 1);
    await second;
    assert.equal(limiter.waiting, 0);
  });
});
