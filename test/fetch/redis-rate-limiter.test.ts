import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisRateLimiter, readSharedRateUsage } from '../../src/fetch/redis-rate-limiter.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { runNodeChild } from '../support/run-node-child.js';

const available = await redisAvailable();
if (!available.ok) console.log(`# ${available.reason}`);
const skip = available.ok ? false : available.reason;

describe('RedisRateLimiter', { skip }, () => {
  const keys = testRedisPrefix('limiter');
  const statusKeys = testRedisPrefix('limiter-status');
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
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares one window between limiters of different connections and holds the request past the limit', async () => {
    const limits = { perMinute: 5 };
    const first = new RedisRateLimiter(a, keys.prefix, 'yahoo', limits);
    const second = new RedisRateLimiter(b, keys.prefix, 'yahoo', limits);
    for (const limiter of [first, second, first, second, first]) await limiter.acquire();
    const usage = await readSharedRateUsage(a, keys.prefix, { yahoo: limits });
    assert.deepEqual(usage, [{ source: 'yahoo', windows: [{ window: 'perMinute', limit: 5, used: 5 }] }]);
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

  it('is shown by marketdeck status with the queue', async () => {
    const script = fileURLToPath(
      new URL(`../../src/cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
    );
    const db = join(dir, 'status.db');
    // Slots of its own, under a prefix of its own: the test holds whatever order the others ran in.
    const prefix = statusKeys.prefix;
    const limiter = new RedisRateLimiter(a, prefix, 'yahoo', { perMinute: 5 });
    await limiter.acquire();
    await limiter.acquire();
    const env = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, YAHOO_RATE_PER_MINUTE: '5' };
    assert.equal((await runNodeChild([script, '--db', db, 'generate', '--tickers', '2', '--days', '5'], env)).code, 0);
    const r = await runNodeChild([script, '--db', db, 'status', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout) as {
      queue: {
        workers: number;
        rateLimits: { source: string; windows: { window: string; limit: number; used: number }[] }[];
      };
    };
    assert.equal(status.queue.workers, 0);
    const yahoo = status.queue.rateLimits.find((l) => l.source === 'yahoo')!;
    assert.deepEqual(
      yahoo.windows.find((w) => w.window === 'perMinute'),
      { window: 'perMinute', limit: 5, used: 2 },
    );
  });
});
