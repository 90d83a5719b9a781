import type { DashboardReader } from '../jobs/dashboard-reader.js';
import type { CachedValue } from '../precompute/dashboard-cache.js';
import type { CacheEntryMeta } from '../store/store.js';
import { ServedBytes } from './served-payload.js';

/** A payload as served: its value (for answers derived from it) and the bytes of `{data, meta}`. */
export interface ServedPayload {
  key: string;
  value: unknown;
  /** The answer's `meta` (cache dates) as JSON text, for answers derived from the payload. */
  metaJson: string;
  bytes: ServedBytes;
  /** Bytes of answers computed from this payload (a screener query), by a key of the caller's. */
  derived(id: string, build: () => ServedBytes): ServedBytes;
  /** Something built once from the value (the screener's columns), kept as long as the payload. */
  shared<T>(build: () => T): T;
}

export interface PayloadMemoOptions {
  read: DashboardReader;
  /** The stored entry's dates: how a payload rewritten by another process (a CLI precompute) is noticed. */
  meta(key: string): Promise<CacheEntryMeta | null>;
  /** Counts a read served from memory as a cache hit. */
  countHit(): void;
  now?: () => number;
  /** A held payload is checked against the store at most this often (default 1 s). */
  recheckMs?: number;
  /** Payloads held at most (each ticker has one); past it the one held longest goes first. */
  maxEntries?: number;
  /** Derived answers held per payload at most. */
  maxDerived?: number;
}

interface Held extends ServedPayload {
  createdAtMs: number;
  expiresAtMs: number;
  checkedAtMs: number;
}

/**
 * The server's copy of each dashboard payload it has served, held as bytes until the cache entry changes:
 * dropped at once when a precompute in this process finishes (invalidate), noticed within `recheckMs` when
 * another process rewrote it, and never held past its expiry (then the reader serves it stale while a
 * precompute rebuilds it, as before). Only fresh payloads are held, so `meta.stale` in held bytes is false.
 */
export class PayloadMemo {
  private readonly held = new Map<string, Held>();
  private readonly now: () => number;
  private readonly recheckMs: number;
  private readonly maxEntries: number;
  private readonly maxDerived: number;
  private generation = 0;

  constructor(private readonly opts: PayloadMemoOptions) {
    this.now = opts.now ?? Date.now;
    this.recheckMs = opts.recheckMs ?? 1000;
    this.maxEntries = opts.maxEntries ?? 50_000;
    this.maxDerived = opts.maxDerived ?? 64;
  }

  /** Forgets every held payload: a precompute has just written new ones. */
  invalidate(): void {
    this.generation++;
    this.held.clear();
  }

  /** The payload, from memory when held and current; null when the reader has none. */
  async get(key: string): Promise<ServedPayload | null> {
    const now = this.now();
    const held = this.held.get(key);
    if (held && now < held.expiresAtMs) {
      if (now - held.checkedAtMs < this.recheckMs || (await this.stillCurrent(held))) {
        held.checkedAtMs = now;
        this.opts.countHit();
        return held;
      }
    }
    if (held) this.held.delete(key);
    const generation = this.generation;
    const served = await this.opts.read(key);
    if (!served) return null;
    const payload = toPayload(key, served, this.maxDerived);
    // A payload read while a precompute finished may be the old one: held only if nothing changed meanwhile.
    if (!served.meta.stale && !served.meta.revalidating && generation === this.generation) {
      if (this.held.size >= this.maxEntries) this.held.delete(this.held.keys().next().value as string);
      this.held.set(key, {
        ...payload,
        createdAtMs: served.meta.createdAt.getTime(),
        expiresAtMs: served.meta.expiresAt.getTime(),
        checkedAtMs: now,
      });
    }
    return payload;
  }

  private async stillCurrent(held: Held): Promise<boolean> {
    const meta = await this.opts.meta(held.key);
    return meta !== null && meta.createdAt.getTime() === held.createdAtMs;
  }
}

function toPayload(key: string, { value, meta }: CachedValue<unknown>, maxDerived: number): ServedPayload {
  const derived = new Map<string, ServedBytes>();
  let shared: { built: unknown } | null = null;
  const metaJson = JSON.stringify({
    key,
    createdAt: meta.createdAt.toISOString(),
    expiresAt: meta.expiresAt.toISOString(),
    stale: meta.stale,
    revalidating: meta.revalidating,
  });
  return {
    key,
    value,
    metaJson,
    bytes: new ServedBytes(Buffer.from(`{"data":${JSON.stringify(value)},"meta":${metaJson}}`)),
    derived(id, build) {
      let bytes = derived.get(id);
      if (!bytes) {
        bytes = build();
        if (derived.size >= maxDerived) derived.delete(derived.keys().next().value as string);
        derived.set(id, bytes);
      }
      return bytes;
    },
    shared<T>(build: () => T): T {
      shared ??= { built: build() };
      return shared.built as T;
    },
  };
}
