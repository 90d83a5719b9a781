import type { FetchState } from '../../domain/fetch-state.js';
import { type FetchStateRow, fetchStateFromRow } from '../fetch-state-row.js';
import type { FetchStateRepo } from '../store.js';
import { toJson, toMs } from '../store-values.js';
import type { PgDb, Sql } from './pg-db.js';

export type FetchStateUpdate = Parameters<FetchStateRepo['record']>[0];

export class PgFetchStateRepo implements FetchStateRepo {
  constructor(private readonly db: PgDb) {}

  /**
   * Records one attempt in the caller's transaction. A failure keeps the last success, its bar count and
   * flags; `meta` is merged key by key so one piece of per-source memory does not erase another. The row is
   * locked while read, so two workers recording the same ticker merge instead of overwriting.
   */
  /**
   * One statement: what an update leaves unsaid (the last success after a failure, the bar count, the flags,
   * meta keys it does not name) is kept from the stored row by the upsert itself, so recording a ticker's
   * fetch costs one round trip in its write transaction instead of a locking read and a write.
   */
  async recordIn(sql: Sql, u: FetchStateUpdate): Promise<void> {
    const ok = u.error === null;
    const at = toMs(u.at);
    await sql.query(
      `INSERT INTO fetch_state AS f (symbol, source, last_success_at, last_attempt_at, last_error, bars, flags, meta)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::integer, 0), coalesce($7::text, '[]'), $8)
       ON CONFLICT (symbol, source) DO UPDATE SET
         last_success_at = coalesce($3, f.last_success_at), last_attempt_at = excluded.last_attempt_at,
         last_error = excluded.last_error, bars = coalesce($6::integer, f.bars), flags = coalesce($7::text, f.flags),
         meta = (f.meta::jsonb || $8::jsonb)::text`,
      [
        u.symbol,
        u.source,
        ok ? at : null,
        at,
        ok ? null : u.error,
        ok && u.bars !== undefined ? u.bars : null,
        u.flags !== undefined ? toJson(u.flags, 'quality flags') : null,
        toJson(u.meta ?? {}, `fetch meta of ${u.symbol}`),
      ],
    );
  }

  record(update: FetchStateUpdate): Promise<void> {
    return this.db.tx((sql) => this.recordIn(sql, update));
  }

  /** Forgets every source's fetch state of a deleted ticker. */
  async forget(symbol: string): Promise<void> {
    await this.db.query('DELETE FROM fetch_state WHERE symbol = $1', [symbol]);
  }

  async get(symbol: string, source: string): Promise<FetchState | null> {
    const { rows } = await this.db.query<FetchStateRow>('SELECT * FROM fetch_state WHERE symbol = $1 AND source = $2', [
      symbol,
      source,
    ]);
    return rows[0] ? fetchStateFromRow(rows[0]) : null;
  }

  async list(source?: string): Promise<FetchState[]> {
    const { rows } =
      source === undefined
        ? await this.db.query<FetchStateRow>(
            'SELECT * FROM fetch_state ORDER BY symbol COLLATE "C", source COLLATE "C"',
          )
        : await this.db.query<FetchStateRow>(
            'SELECT * FROM fetch_state WHERE source = $1 ORDER BY symbol COLLATE "C"',
            [source],
          );
    return rows.map(fetchStateFromRow);
  }
}
