import { Redis } from 'ioredis';

/** The Redis the tests use (CI starts it; .ci/run). */
export const TEST_REDIS_URL = process.env.MARKETDECK_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/**
 * Whether the test Redis answers. Under CI=true a missing Redis is a failure, never a skip; on a user's
 * machine without Redis the tests skip and say so.
 */
export async function redisAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (error) {
    const reason = `Redis at ${TEST_REDIS_URL} is not reachable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the queue tests must run`);
    return { ok: false, reason: `${reason}: skipping the queue tests` };
  } finally {
    redis.disconnect();
  }
}

/** A key prefix of this test's own, and a way to delete every key under it. */
export function testRedisPrefix(label: string): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `mdtest-${label}-${process.pid}-${Date.now().toString(36)}`;
  return {
    prefix,
    cleanup: () => deleteRedisKeys(TEST_REDIS_URL, prefix),
  };
}

/** Deletes every key under `prefix:` (a test's or a bench run's queue and rate limits). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
