import type { Redis } from 'ioredis';
import type { Store } from '../../store/store.js';
import { storeClaimKey } from './queued-work.js';

/** How long a claim outlives the last worker that renewed it. */
const CLAIM_TTL_MS = 60_000;
const RENEW_EVERY_MS = 20_000;

/**
 * Workers and the processes that queue work for them must share one store: a part runs against the worker's
 * store, so a run queued from a process on another store would be done where nobody looks, and its caller
 * would wait on a run its workers cannot find.
 */
export class QueueStoreMismatchError extends Error {
  constructor(prefix: string, theirs: string, mine: string) {
    super(
      `the workers on queue prefix "${prefix}" run against ${theirs}, not this process's ${mine}: ` +
        'give every process of one installation the same database (DATABASE_URL or --db), or use another QUEUE_PREFIX',
    );
    this.name = 'QueueStoreMismatchError';
  }
}

/** What a queue's workers say about their store: its kind and location (any password masked). */
function identityOf(store: Store): string {
  return `${store.kind} store ${store.location}`;
}

/**
 * A worker claims the queue prefix for its store while it runs (renewed until `release`), or throws when the
 * workers already running on the prefix use another store.
 */
export async function claimQueueStore(
  redis: Redis,
  prefix: string,
  store: Store,
  log: (message: string) => void = () => {},
): Promise<{ release(): void }> {
  const mine = identityOf(store);
  const renew = async () => {
    await checkQueueStore(redis, prefix, store);
    await redis.set(storeClaimKey(prefix), mine, 'PX', CLAIM_TTL_MS);
  };
  await renew();
  const timer = setInterval(() => {
    renew().catch((error: unknown) => log(`claiming queue prefix "${prefix}": ${(error as Error).message}`));
  }, RENEW_EVERY_MS);
  timer.unref();
  return { release: () => clearInterval(timer) };
}

/** Throws when workers running on the prefix use another store than `store` (none running: nothing to check). */
export async function checkQueueStore(redis: Redis, prefix: string, store: Store): Promise<void> {
  const theirs = await redis.get(storeClaimKey(prefix));
  const mine = identityOf(store);
  if (theirs !== null && theirs !== mine) throw new QueueStoreMismatchError(prefix, theirs, mine);
}
