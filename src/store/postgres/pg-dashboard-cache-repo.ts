import { type CacheMetaRow as MetaRow, cacheMetaFromRow as toMeta } from '../cache-entry-row.js';
import type { CacheEntryMeta, DashboardCacheRepo } from '../store.js';
import { toJson } from '../store-values.js';
import type { PgDb, Sql } from './pg-db.js';

const META = 'key, created_at, expires_at, bytes';

/** Precomputed dashboard payloads as JSON text, so the server answers without recomputing. */
export class PgDashboardCacheRepo implements DashboardCacheRepo {
  constructor(private readonly db: PgDb) {}

  async getEntry(key: string): Promise<{ value: unknown; meta: CacheEntryMeta } | null> {
    const { rows } = await this.db.query<MetaRow & { value: string }>(
      `SELECT ${META}, value FROM dashboard_cache WHERE key = $1`,
      [key],
    );
    return rows[0] ? { value: JSON.parse(rows[0].value), meta: toMeta(rows[0]) } : null;
  }

  async getMeta(key: string): Promise<CacheEntryMeta | null> {
    const { rows } = await this.db.query<MetaRow>(`SELECT ${META} FROM dashboard_cache WHERE key = $1`, [key]);
    return rows[0] ? toMeta(rows[0]) : null;
  }

  setMany(entries: readonly { key: string; value: unknown }[], ttlMinutes: number): Promise<number> {
    return this.db.tx((sql) => this.put(sql, entries, ttlMinutes));
  }

  /** Upserts the entries in statements of up to 500 rows; returns the bytes of JSON written. */
  private async put(
    sql: Sql,
    entries: readonly { key: string; value: unknown }[],
    ttlMinutes: number,
  ): Promise<number> {
    if (!Number.isFinite(ttlMinutes)) {
      throw new RangeError(`cache ttl ${ttlMinutes} is not valid; expected a number of minutes`);
    }
    const latest = new Map<string, string>();
    for (const e of entries) latest.set(e.key, toJson(e.value, `dashboard cache value for "${e.key}"`));
    const now = Date.now();
    const expires = now + Math.round(ttlMinutes * 60_000);
    let bytes = 0;
    const all = [...latest];
    for (let i = 0; i < all.length; i += 500) {
      const part = all.slice(i, i + 500);
      const sizes = part.map(([, text]) => Buffer.byteLength(text));
      for (const n of sizes) bytes += n;
      await sql.query(
        `INSERT INTO dashboard_cache (key, value, created_at, expires_at, bytes)
         SELECT k, v, $3, $4, b FROM unnest($1::text[], $2::text[], $5::int[]) AS x(k, v, b)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at,
           expires_at = excluded.expires_at, bytes = excluded.bytes`,
        [part.map(([k]) => k), part.map(([, v]) => v), now, expires, sizes],
      );
    }
    return bytes;
  }

  async clearAll(): Promise<number> {
    return (await this.db.query('DELETE FROM dashboard_cache')).rowCount ?? 0;
  }

  async list(): Promise<CacheEntryMeta[]> {
    const { rows } = await this.db.query<MetaRow>(`SELECT ${META} FROM dashboard_cache ORDER BY key COLLATE "C"`);
    return rows.map(toMeta);
  }
}
