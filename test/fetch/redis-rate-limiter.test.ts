import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisRateLimiter, readSharedRateUsage, type SharedRateUsage } from '../../src/fetch/redis-rate-limiter.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { runNodeChild } from '../support/run-node-child.js';

const available = await redisAvailable();
if (!available.ok) console.log(`# ${available.reason}`);
const skip = available.ok ? false : available.reason;

describe('RedisRateLimiter', { skip }, () => {
  const keys = testRedisPrefix('limiter');
  const statusKeys = testRedisPrefix('limiter-status');
  const ownKeys = testRedisPrefix('limiter-own');
  const mixedKeys = testRedisPrefix('limiter-mixed');
  let a: Redis;
  let b: Redis;
  let dir: string;
  before(() => {
    a = new Redis(TEST_REDIS_URL);
    b = new Redis(TEST_REDIS_URL);
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-limiter-'));
  });
  after(async () => {
    a.disconnect();
    b.disconnect();
    await keys.cleanup();
    await statusKeys.cleanup();
    await ownKeys.cleanup();
    await mixedKeys.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares one window between limiters of different connections and holds the request past the limit', async () => {
    const limits = { perMinute: 5 };
    const first = new RedisRateLimiter(a, keys.prefix, 'yahoo', limits);
    const second = new RedisRateLimiter(b, keys.prefix, 'yahoo', limits);
    for (const limiter of [first, second, first, second, first]) await limiter.acquire();
    const [usage] = await readSharedRateUsage(a, keys.prefix, { yahoo: limits });
    assert.deepEqual(usage.windows, [{ window: 'perMinute', limit: 5, used: 5 }]);
    // The sixth waits for the minute to pass: cancelled while waiting, it was never admitted.
    const controller = new AbortController();
    const sixth = second.acquire(controller.signal);
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('stop waiting'));
    await assert.rejects(sixth, /stop waiting/);
    assert.equal((await readSharedRateUsage(b, keys.prefix, { yahoo: limits }))[0].windows[0].used, 5);
  });

  it('refuses a limit that is not a positive number, naming it', () => {
    assert.throws(
      () => new RedisRateLimiter(a, keys.prefix, 'yahoo', { perSecond: -1 }),
      /perSecond=-1 is not allowed/,
    );
  });

  it("is shown by marketdeck status with the workers' own limits, not the caller's settings", async () => {
    const db = join(dir, 'status.db');
    // Slots of its own, under a prefix of its own: the test holds whatever order the others ran in.
    const prefix = statusKeys.prefix;
    // The caller runs with a limit of 5 a minute; the worker was started with 7.
    const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, YAHOO_RATE_PER_MINUTE: '5' };
    assert.equal(
      (await runNodeChild([cliScript(), '--db', db, 'generate', '--tickers', '2', '--days', '5'], env)).code,
      0,
    );
    const before = await queueStatusOf(db, env);
    assert.equal(before.limitsFrom, 'settings', 'no worker has recorded limits yet: the caller says it shows its own');
    assert.deepEqual(before.windows, [{ window: 'perMinute', limit: 5, used: 0 }]);

    const worker = new RedisRateLimiter(a, prefix, 'yahoo', { perMinute: 7 });
    await worker.acquire();
    await worker.acquire();
    const after = await queueStatusOf(db, env);
    assert.equal(after.limitsFrom, 'workers');
    assert.deepEqual(after.windows, [{ window: 'perMinute', limit: 7, used: 2 }]);
    assert.equal(after.warning, undefined);
    const text = await runNodeChild([cliScript(), '--db', db, 'status'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /yahoo\s+perMinute\s+7\s+2\s+workers/);
    // The record lapses when no worker uses it any more.
    const ttl = await a.ttl(`${prefix}:rate:yahoo:limits`);
    assert.ok(ttl > 0 && ttl <= 600, `the recorded limits expire (ttl ${ttl} s)`);
  });

  it("falls back to the caller's settings, saying so, for a source no worker used", async () => {
    const [yahoo] = await readSharedRateUsage(a, ownKeys.prefix, { yahoo: { perSecond: 3 } });
    assert.deepEqual(yahoo, {
      source: 'yahoo',
      limitsFrom: 'settings',
      windows: [{ window: 'perSecond', limit: 3, used: 0 }],
      recorded: [],
    });
  });

  it('shows what is really enforced when two workers enforce different limits, and warns', async () => {
    const prefix = mixedKeys.prefix;
    const strict = new RedisRateLimiter(a, prefix, 'yahoo', { perMinute: 2, perDay: 1000 });
    const loose = new RedisRateLimiter(b, prefix, 'yahoo', { perMinute: 4 });
    await strict.acquire();
    await strict.acquire();
    // The strict worker's minute is full, yet the loose one is still admitted twice more: the shared window holds
    // each request to its own limiter's limit, so the source gets up to the loosest.
    await loose.acquire();
    await loose.acquire();
    const [yahoo] = await readSharedRateUsage(a, prefix, { yahoo: { perMinute: 1 } });
    assert.equal(yahoo.limitsFrom, 'workers');
    assert.deepEqual(
      yahoo.windows,
      [
        { window: 'perMinute', limit: 4, used: 4 },
        { window: 'perDay', limit: 1000, used: 2, someWorkers: true },
      ],
      'perDay is counted for the strict worker only: the loose one sets none',
    );
    assert.deepEqual(
      yahoo.recorded.map((r) => r.limits),
      [{ perMinute: 2, perDay: 1000 }, { perMinute: 4 }],
    );
    assert.match(yahoo.warning ?? '', /different limits for yahoo: .*perMinute=2, perDay=1000 .*perMinute=4 /);
    assert.match(yahoo.warning ?? '', /may get up to perMinute=4;/);
  });
});

describe('marketdeck status when workers share no limit', { skip }, () => {
  const keys = testRedisPrefix('limiter-apart');
  let redis: Redis;
  let dir: string;
  before(() => {
    redis = new Redis(TEST_REDIS_URL);
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-limiter-apart-'));
  });
  after(async () => {
    redis.disconnect();
    await keys.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each window some worker limits with its use, and drops a worker that stopped', async () => {
    const prefix = keys.prefix;
    // Two workers limit the minute differently, a third only the day: no window holds all three.
    const slow = new RedisRateLimiter(redis, prefix, 'yahoo', { perMinute: 2 });
    const fast = new RedisRateLimiter(redis, prefix, 'yahoo', { perMinute: 5 });
    const daily = new RedisRateLimiter(redis, prefix, 'yahoo', { perDay: 100 });
    for (const limiter of [slow, fast, fast, daily]) await limiter.acquire();
    const db = join(dir, 'status.db');
    const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, YAHOO_RATE_PER_MINUTE: '1' };
    assert.equal(
      (await runNodeChild([cliScript(), '--db', db, 'generate', '--tickers', '1', '--days', '5'], env)).code,
      0,
    );

    const mixed = await queueStatusOf(db, env);
    assert.deepEqual(mixed.windows, [
      { window: 'perMinute', limit: 5, used: 3, someWorkers: true },
      { window: 'perDay', limit: 100, used: 1, someWorkers: true },
    ]);
    assert.equal(mixed.recorded.length, 3);
    const text = await runNodeChild([cliScript(), '--db', db, 'status'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /yahoo\s+perMinute\s+5\s+3\s+some workers \(see warning\)/);
    assert.match(text.stdout, /yahoo\s+perDay\s+100\s+1\s+some workers \(see warning\)/);
    assert.match(text.stdout, /warning: workers enforce different limits for yahoo/);

    // The day-only worker stops: its record goes with it, and the minute now holds every worker left.
    await daily.close();
    const left = await queueStatusOf(db, env);
    assert.deepEqual(
      left.recorded.map((r) => r.limits),
      [{ perMinute: 2 }, { perMinute: 5 }],
    );
    assert.deepEqual(left.windows, [{ window: 'perMinute', limit: 5, used: 3 }]);
    assert.doesNotMatch(left.warning ?? '', /perDay/);
  });
});

function cliScript(): string {
  return fileURLToPath(new URL(`../../src/cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
}

/** `marketdeck status --json`'s shared limit of yahoo. */
async function queueStatusOf(db: string, env: Record<string, string>): Promise<SharedRateUsage> {
  const r = await runNodeChild([cliScript(), '--db', db, 'status', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { queue: { workers: number; rateLimits: SharedRateUsage[] } };
  assert.equal(status.queue.workers, 0);
  return status.queue.rateLimits.find((l) => l.source === 'yahoo')!;
}
