import { Redis } from 'ioredis';

/**
 * A Redis connection from a redis:// or rediss:// URL. BullMQ's blocking connections must retry a command
 * for as long as Redis is away (`maxRetriesPerRequest: null`), or a worker dies on a Redis restart; plain
 * commands fail after a few tries so a caller hears that Redis is down.
 */
export function connectRedis(url: string, options: { forBullMQ?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.forBullMQ ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}
