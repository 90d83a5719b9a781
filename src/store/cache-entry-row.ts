import type { CacheEntryMeta } from './store.js';

/** A dashboard cache entry's columns besides its value, as every adapter keeps them. */
export interface CacheMetaRow {
  key: string;
  created_at: number;
  expires_at: number;
  bytes: number;
}

export function cacheMetaFromRow(r: CacheMetaRow): CacheEntryMeta {
  return { key: r.key, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at), bytes: r.bytes };
}
