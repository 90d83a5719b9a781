import type { CacheEntryMeta, DashboardCacheRepo } from '../store/store.js';

export interface CachedValueMeta {
  createdAt: Date;
  expiresAt: Date;
  /** The entry's lifetime has passed; it is served while a recompute runs. */
  stale: boolean;
  /** A recompute of this key is running (the next read gets its result). */
  revalidating: boolean;
}

export interface CachedValue<T> {
  value: T;
  meta: CachedValueMeta;
}

export interface DashboardCacheStats {
  total: number;
  fresh: number;
  expired: number;
  bytes: number;
  /** ISO time of the oldest and newest entry, null when the cache is empty. */
  oldest: string | null;
  newest: string | null;
  /** Reads through this instance that found a fresh entry, and those that did not (absent or expired). */
  hits: number;
  misses: number;
}

export interface DashboardCacheOptions {
  /** Lifetime of an entry written without an explicit TTL (CACHE_EXPIRATION_MINUTES). */
  ttlMinutes: number;
  now?: () => Date;
  /** Where a failed background recompute is reported; the stale entry stays and is served. */
  onError?: (key: string, error: unknown) => void;
}

/**
 * The dashboard's cache API over the raw dashboard_cache table: an expired entry reads as null through `get`,
 * `getOrRefresh` serves an expired entry while one refresh runs (stale-while-revalidate) and refreshes for a
 * missing one once however many readers miss it at the same moment (single flight).
 */
export class DashboardCache {
  readonly ttlMinutes: number;
  private readonly now: () => Date;
  private readonly onError: (key: string, error: unknown) => void;
  private readonly inflight = new Map<string, Promise<CachedValue<unknown> | null>>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly repo: DashboardCacheRepo,
    opts: DashboardCacheOptions,
  ) {
    if (!(opts.ttlMinutes > 0)) {
      throw new RangeError(`cache TTL of ${opts.ttlMinutes} minutes is not allowed; expected a positive number`);
    }
    this.ttlMinutes = opts.ttlMinutes;
    this.now = opts.now ?? (() => new Date());
    this.onError = opts.onError ?? (() => {});
  }

  /** The value, or null when the key is absent or expired. */
  async get<T = unknown>(key: string): Promise<T | null> {
    return (await this.getFresh<T>(key))?.value ?? null;
  }

  /** The value with its dates, or null when the key is absent or expired. */
  async getFresh<T = unknown>(key: string): Promise<CachedValue<T> | null> {
    const entry = await this.repo.getEntry(key);
    if (!entry || this.isExpired(entry.meta)) {
      this.misses++;
      return null;
    }
    this.hits++;
    return { value: entry.value as T, meta: this.metaOf(entry.meta, false) };
  }

  /** Many entries in one transaction; returns the JSON bytes written. */
  setMany(entries: readonly { key: string; value: unknown }[], ttlMinutes = this.ttlMinutes): Promise<number> {
    return this.repo.setMany(entries, ttlMinutes);
  }

  /**
   * A fresh entry as it is; an expired one as it is with `meta.stale` while `refresh` rebuilds the cache in
   * the background; an absent one after `refresh`, read again. `refresh` is for the payloads a whole
   * precompute writes together (the server passes "run the precompute job", which joins a running one);
   * concurrent callers share one refresh per key. Null when the key is still absent after the refresh, or
   * when it is absent and `rebuildAbsent` says no refresh is warranted: then nothing runs, so a key that no
   * precompute writes (an unknown ticker) costs one read, not a rebuild.
   */
  getOrRefresh<T>(
    key: string,
    refresh: () => Promise<void>,
    opts: { rebuildAbsent?: () => Promise<boolean> } = {},
  ): Promise<CachedValue<T> | null> {
    const load = async (): Promise<CachedValue<unknown> | null> => {
      await refresh();
      const entry = await this.repo.getEntry(key);
      return entry ? { value: entry.value, meta: { ...this.metaOf(entry.meta, false), revalidating: false } } : null;
    };
    return this.serve<T>(key, load, opts.rebuildAbsent);
  }

  /** A fresh entry served from a reader's own copy of its bytes, counted as a read through this cache. */
  countHit(): void {
    this.hits++;
  }

  /** The entry's dates without its value (see DashboardCacheRepo.getMeta). */
  getMeta(key: string): Promise<CacheEntryMeta | null> {
    return this.repo.getMeta(key);
  }

  /** Deletes every entry and forgets running recomputes; returns how many entries were deleted. */
  clearAll(): Promise<number> {
    this.inflight.clear();
    return this.repo.clearAll();
  }

  async stats(): Promise<DashboardCacheStats> {
    const metas = await this.repo.list();
    const now = this.now().getTime();
    let fresh = 0;
    let bytes = 0;
    let oldest = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (const m of metas) {
      if (m.expiresAt.getTime() > now) fresh++;
      bytes += m.bytes;
      oldest = Math.min(oldest, m.createdAt.getTime());
      newest = Math.max(newest, m.createdAt.getTime());
    }
    return {
      total: metas.length,
      fresh,
      expired: metas.length - fresh,
      bytes,
      oldest: metas.length > 0 ? new Date(oldest).toISOString() : null,
      newest: metas.length > 0 ? new Date(newest).toISOString() : null,
      hits: this.hits,
      misses: this.misses,
    };
  }

  /**
   * Fresh -> as is; expired -> as is, marked stale, while `load` runs once; absent -> waits for `load`, or
   * null at once when `rebuildAbsent` answers false.
   */
  private async serve<T>(
    key: string,
    load: () => Promise<CachedValue<unknown> | null>,
    rebuildAbsent?: () => Promise<boolean>,
  ): Promise<CachedValue<T> | null> {
    const entry = await this.repo.getEntry(key);
    if (entry && !this.isExpired(entry.meta)) {
      this.hits++;
      return { value: entry.value as T, meta: this.metaOf(entry.meta, false) };
    }
    this.misses++;
    if (!entry && rebuildAbsent && !(await rebuildAbsent())) return null;
    let pending = this.inflight.get(key);
    if (!pending) {
      const started = load();
      pending = started;
      this.inflight.set(key, started);
      const forget = () => {
        if (this.inflight.get(key) === started) this.inflight.delete(key);
      };
      started.then(forget, forget);
    }
    if (!entry) return pending as Promise<CachedValue<T> | null>;
    pending.catch((error) => this.onError(key, error));
    return { value: entry.value as T, meta: this.metaOf(entry.meta, true) };
  }

  private isExpired(meta: CacheEntryMeta): boolean {
    return meta.expiresAt.getTime() <= this.now().getTime();
  }

  private metaOf(meta: CacheEntryMeta, stale: boolean): CachedValueMeta {
    return {
      createdAt: meta.createdAt,
      expiresAt: meta.expiresAt,
      stale,
      revalidating: this.inflight.has(meta.key),
    };
  }
}
