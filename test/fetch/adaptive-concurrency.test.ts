import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveConcurrency, classifyOutcome } from '../../src/fetch/adaptive-concurrency.js';
import { SourceError } from '../../src/sources/source.js';

describe('AdaptiveConcurrency', () => {
  it('halves the limit when most of the recent requests were throttled', () => {
    const c = new AdaptiveConcurrency({ max: 12, burstCount: 1_000 });
    for (let i = 0; i < 10; i++) c.record('overload', { status429: true });
    assert.equal(c.limit, 6);
    for (let i = 0; i < 10; i++) c.record('overload', { status429: true });
    assert.equal(c.limit, 3);
    for (let i = 0; i < 100; i++) c.record('overload', { status429: true });
    assert.equal(c.limit, 1, 'never below one request in flight');
    assert.equal(c.stats.lowest, 1);
  });

  it('keeps the limit when failures are a minority of the window', () => {
    const c = new AdaptiveConcurrency({ max: 12 });
    for (let i = 0; i < 200; i++) c.record(i % 3 === 0 ? 'overload' : 'success');
    assert.equal(c.limit, 12);
    assert.equal(c.stats.decreases, 0);
  });

  it('raises the limit by one per run of `limit` successes, back up to the maximum', () => {
    const c = new AdaptiveConcurrency({ max: 8, burstCount: 1_000 });
    for (let i = 0; i < 10; i++) c.record('overload');
    assert.equal(c.limit, 4);
    for (let i = 0; i < 3; i++) c.record('success');
    assert.equal(c.limit, 4);
    c.record('success');
    assert.equal(c.limit, 5);
    for (let i = 0; i < 5 + 6 + 7; i++) c.record('success');
    assert.equal(c.limit, 8);
    for (let i = 0; i < 100; i++) c.record('success');
    assert.equal(c.limit, 8);
  });

  it('counts a final answer such as 404 as a healthy source, and 429/5xx/timeouts as overload', () => {
    assert.equal(classifyOutcome(new SourceError('not-found', 'no such symbol')), 'success');
    assert.equal(classifyOutcome(new SourceError('malformed', 'bad body')), 'success');
    for (const kind of ['rate-limited', 'server-error', 'timeout', 'network', 'truncated'] as const) {
      assert.equal(classifyOutcome(new SourceError(kind, kind)), 'overload', kind);
    }
  });

  it('lets no more requests in flight than the limit after a decrease', async () => {
    const c = new AdaptiveConcurrency({ max: 8, burstCount: 1_000 });
    const held = await Promise.all(Array.from({ length: 8 }, () => c.acquire()));
    for (let i = 0; i < 10; i++) c.record('overload');
    assert.equal(c.limit, 4);
    let granted = 0;
    const waiting = Array.from({ length: 6 }, () =>
      c.acquire().then((release) => {
        granted++;
        return release;
      }),
    );
    for (const release of held.slice(0, 5)) release();
    await new Promise((r) => setImmediate(r));
    assert.equal(granted, 1, '8 in flight, limit 4: only after 5 releases is there room for one');
    assert.equal(c.inFlight, 4);
    for (const release of held.slice(5)) release();
    const releases = await Promise.all(waiting.slice(0, 4));
    assert.equal(c.inFlight, 4);
    for (const release of releases) release();
    for (const release of await Promise.all(waiting.slice(4))) release();
    assert.equal(c.inFlight, 0);
  });

  it('pauses every request for a cool-down after a burst of 429s', async () => {
    let t = 0;
    const c = new AdaptiveConcurrency({ max: 4, cooldownMs: 30, burstCount: 3, burstWindowMs: 1_000, now: () => t });
    c.record('overload', { status429: true });
    t = 10;
    c.record('overload', { status429: true });
    assert.equal(c.pausedUntilMs, 0, 'two 429s are not a burst yet');
    t = 20;
    c.record('overload', { status429: true });
    assert.equal(c.pausedUntilMs, 50);
    assert.equal(c.stats.cooldowns, 1);
    let granted = false;
    const slot = c.acquire().then((release) => {
      granted = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(granted, false, 'held back while the clock is before the end of the cool-down');
    t = 50;
    (await slot)();
    assert.equal(granted, true);
  });

  it("pauses for a 429's Retry-After even without a burst", () => {
    const c = new AdaptiveConcurrency({ max: 4, now: () => 1_000 });
    c.record('overload', { status429: true, retryAfterMs: 2_000 });
    assert.equal(c.pausedUntilMs, 3_000);
  });

  it('doubles the cool-down for a burst that follows a burst', () => {
    let t = 0;
    const c = new AdaptiveConcurrency({ max: 4, cooldownMs: 100, burstCount: 2, now: () => t });
    c.record('overload', { status429: true });
    c.record('overload', { status429: true });
    assert.equal(c.pausedUntilMs, 100);
    t = 100;
    c.record('overload', { status429: true });
    c.record('overload', { status429: true });
    assert.equal(c.pausedUntilMs, 300);
  });
});
