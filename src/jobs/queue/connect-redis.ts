import { Redis } from 'ioredis';
import { maskUrlPassword } from '../../config/index.js';

/** Redis could not be reached or refused this client: the message names REDIS_URL with its password masked. */
export class RedisUnavailableError extends Error {
  constructor(url: string, cause: string) {
    super(`Redis at ${maskUrlPassword(url)} (REDIS_URL) is not usable: ${cause}`);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A Redis connection from a redis:// or rediss:// URL. BullMQ's blocking connections must retry a command
 * for as long as Redis is away (`maxRetriesPerRequest: null`), or a worker dies on a Redis restart; plain
 * commands fail after a few tries so a caller hears that Redis is down.
 *
 * Every connection listens for its errors: without a listener ioredis prints each one with the command it was
 * sending (AUTH with its password included) and Node ends the process on it. `onError` hears them instead,
 * described without secrets.
 */
export function connectRedis(
  url: string,
  options: { forBullMQ?: boolean; onError?: (message: string) => void } = {},
): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: options.forBullMQ ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
  redis.on('error', (error: Error) => options.onError?.(new RedisUnavailableError(url, error.message).message));
  return redis;
}

/**
 * A plain connection known to answer: Redis is checked this way before BullMQ gets connections of its own,
 * since BullMQ passes a refused login on as an error event carrying AUTH's arguments.
 */
export async function connectReadyRedis(url: string, onError?: (message: string) => void): Promise<Redis> {
  const redis = connectRedis(url, { onError });
  try {
    await redisReady(redis, url);
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

/**
 * Resolves once `redis` is connected and authenticated; rejects with a RedisUnavailableError on its first
 * failure (refused, unknown host, wrong password) or after `timeoutMs`, so a command says at once that the
 * queue is out of reach instead of retrying behind the user's back.
 */
export function redisReady(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: Error) => done(new RedisUnavailableError(url, error.message));
    const timer = setTimeout(
      () => done(new RedisUnavailableError(url, `no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

/**
 * `log` at most once every `everyMs`, for the connections of one process to share: a Redis away for an hour
 * is one line a minute, not one per reconnect of each connection.
 */
export function redisErrorLog(log: (message: string) => void, everyMs = 60_000): (message: string) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  return (message) => {
    const now = Date.now();
    if (now - lastAt < everyMs) return;
    lastAt = now;
    log(message);
  };
}
