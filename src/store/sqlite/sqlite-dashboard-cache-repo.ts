import type Database from 'better-sqlite3';
import { type CacheMetaRow as MetaRow, cacheMetaFromRow as toMeta } from '../cache-entry-row.js';
import type { CacheEntryMeta, DashboardCacheRepo } from '../store.js';
import { toJson } from '../store-values.js';
import { immediateTransaction } from './immediate-transaction.js';

/** Precomputed dashboard payloads as JSON text, so the server answers without recomputing. */
export class SqliteDashboardCacheRepo implements DashboardCacheRepo {
  private readonly getStmt: Database.Statement<[string], MetaRow & { value: string }>;
  private readonly metaStmt: Database.Statement<[string], MetaRow>;
  private readonly setStmt: Database.Statement<[string, string, number, number, number]>;
  private readonly clearStmt: Database.Statement<[]>;
  private readonly listStmt: Database.Statement<[], MetaRow>;
  private readonly setManyTx: (entries: readonly { key: string; value: unknown }[], ttlMinutes: number) => number;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM dashboard_cache WHERE key = ?');
    this.metaStmt = db.prepare('SELECT key, created_at, expires_at, bytes FROM dashboard_cache WHERE key = ?');
    this.setStmt = db.prepare(`
      INSERT INTO dashboard_cache (key, value, created_at, expires_at, bytes) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET
        value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at, bytes = excluded.bytes`);
    this.clearStmt = db.prepare('DELETE FROM dashboard_cache');
    this.listStmt = db.prepare('SELECT key, created_at, expires_at, bytes FROM dashboard_cache ORDER BY key');
    this.setManyTx = immediateTransaction(
      db,
      (entries: readonly { key: string; value: unknown }[], ttlMinutes: number) => {
        let bytes = 0;
        for (const e of entries) bytes += this.setOne(e.key, e.value, ttlMinutes);
        return bytes;
      },
    );
  }

  async getEntry(key: string): Promise<{ value: unknown; meta: CacheEntryMeta } | null> {
    const row = this.getStmt.get(key);
    return row ? { value: JSON.parse(row.value), meta: toMeta(row) } : null;
  }

  async getMeta(key: string): Promise<CacheEntryMeta | null> {
    const row = this.metaStmt.get(key);
    return row ? toMeta(row) : null;
  }

  async setMany(entries: readonly { key: string; value: unknown }[], ttlMinutes: number): Promise<number> {
    return this.setManyTx(entries, ttlMinutes);
  }

  private setOne(key: string, value: unknown, ttlMinutes: number): number {
    if (!Number.isFinite(ttlMinutes)) {
      throw new RangeError(`cache ttl ${ttlMinutes} for "${key}" is not valid; expected a number of minutes`);
    }
    const text = toJson(value, `dashboard cache value for "${key}"`);
    const bytes = Buffer.byteLength(text);
    const now = Date.now();
    this.setStmt.run(key, text, now, now + Math.round(ttlMinutes * 60_000), bytes);
    return bytes;
  }

  async clearAll(): Promise<number> {
    return this.clearStmt.run().changes;
  }

  async list(): Promise<CacheEntryMeta[]> {
    return this.listStmt.all().map(toMeta);
  }
}
