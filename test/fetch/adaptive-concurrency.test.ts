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
    await new Promise((r) => setImmediate(r));
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

  it('counts the 429s of requests sent before a cool-down began as that cool-down: extended, never doubled', () => {
    let t = 1_000;
    const c = new AdaptiveConcurrency({ max: 12, burstCount: 3, now: () => t });
    const sentAt = c.stamp();
    t = 1_010;
    c.record('overload', { status429: true, retryAfterMs: 2_000, sentAt });
    assert.equal(c.pausedUntilMs, 3_010);
    // Eleven more answers to requests of the same wave arrive during the pause, the last with a later Retry-After.
    for (let i = 1; i <= 11; i++) {
      t = 1_010 + i;
      c.record('overload', { status429: true, retryAfterMs: i === 11 ? 2_500 : 2_000, sentAt });
    }
    assert.equal(c.stats.cooldowns, 1, 'one cool-down however many requests it caught');
    assert.equal(c.pausedUntilMs, 1_021 + 2_500, 'extended to the latest Retry-After');
    assert.equal(c.stats.cooldownMs, 2_511, 'the time paused: 1 010 to 3 521');
    assert.equal(c.stats.paceCuts, 0, 'nothing accepted yet says nothing of the rate: no pace');
  });

  it('after a fresh 429 paces requests just under the rate the source accepted, then probes upwards', () => {
    let t = 0;
    const c = new AdaptiveConcurrency({ max: 12, rateWindowMs: 5_000, rateMargin: 0.95, now: () => t });
    assert.equal(c.ratePerSecond, Number.POSITIVE_INFINITY);
    // 20 answers accepted over 2 s: the source takes 10 requests a second.
    for (let i = 0; i < 20; i++) {
      t = i * 100;
      c.record('success', { sentAt: t });
    }
    t = 2_000;
    c.record('overload', { status429: true, sentAt: 1_990 });
    assert.equal(c.ratePerSecond, 9.5);
    assert.equal(c.stats.lowestRate, 9.5);
    for (let i = 0; i < 10; i++) c.record('success', { sentAt: t });
    assert.ok(
      c.ratePerSecond > 9.5 && c.ratePerSecond < 9.9,
      `about 3% more after a second of successes: ${c.ratePerSecond}`,
    );
  });

  it('spaces grants by the pace', async () => {
    let t = 0;
    const c = new AdaptiveConcurrency({ max: 12, now: () => t });
    for (let i = 0; i < 10; i++) c.record('success');
    t = 1_000;
    c.record('overload', { status429: true, sentAt: 999 });
    // 10 accepted over the first second: 9.5 a second, one every 105 ms.
    (await c.acquire())();
    let second = false;
    const next = c.acquire().then((release) => {
      second = true;
      return release;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false, 'the next request waits for its turn');
    t = 1_106;
    (await next)();
    assert.equal(second, true);
  });

  it('stops pausing every request for 429s once two cool-downs in a row did not help', async () => {
    let t = 0;
    const c = new AdaptiveConcurrency({ max: 12, now: () => t });
    for (const start of [0, 2_000]) {
      t = start;
      c.record('overload', { status429: true, retryAfterMs: 1_000, sentAt: start });
      t = start + 1_000;
      // The first request after the cool-down is refused again: pausing did not help.
      c.record('overload', { status429: true, retryAfterMs: 1_000, sentAt: start + 1_000 });
    }
    assert.equal(c.stats.perRequest429, true);
    const paused = c.pausedUntilMs;
    t = 10_000;
    c.record('overload', { status429: true, retryAfterMs: 1_000, sentAt: 9_999 });
    assert.equal(c.pausedUntilMs, paused, 'a 429 now only delays its own retry');
    assert.equal(c.ratePerSecond, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 5; i++) (await c.acquire())();
    c.record('overload', { status429: true, retryAfterMs: 1_000, sentAt: 10_000, retryOf429: true });
    assert.ok(Number.isFinite(c.ratePerSecond), 'a retry refused again sets the pace');
  });
});
