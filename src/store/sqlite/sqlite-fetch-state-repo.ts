import type Database from 'better-sqlite3';
import type { FetchState } from '../../domain/fetch-state.js';
import { type FetchStateRow, fetchStateFromRow as toState } from '../fetch-state-row.js';
import type { FetchStateRepo } from '../store.js';
import { fromJson, toJson, toMs } from '../store-values.js';
import { immediateTransaction } from './immediate-transaction.js';

export type FetchStateUpdate = Parameters<FetchStateRepo['record']>[0];

export class SqliteFetchStateRepo implements FetchStateRepo {
  private readonly getStmt: Database.Statement<[string, string], FetchStateRow>;
  private readonly listAllStmt: Database.Statement<[], FetchStateRow>;
  private readonly listSourceStmt: Database.Statement<[string], FetchStateRow>;
  private readonly putStmt: Database.Statement;
  private readonly forgetStmt: Database.Statement<[string]>;
  private readonly recordTx: (u: FetchStateUpdate) => void;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM fetch_state WHERE symbol = ? AND source = ?');
    this.listAllStmt = db.prepare('SELECT * FROM fetch_state ORDER BY symbol, source');
    this.listSourceStmt = db.prepare('SELECT * FROM fetch_state WHERE source = ? ORDER BY symbol');
    this.putStmt = db.prepare(`
      INSERT INTO fetch_state (symbol, source, last_success_at, last_attempt_at, last_error, bars, flags, meta)
      VALUES (@symbol, @source, @lastSuccessAt, @lastAttemptAt, @lastError, @bars, @flags, @meta)
      ON CONFLICT (symbol, source) DO UPDATE SET
        last_success_at = excluded.last_success_at,
        last_attempt_at = excluded.last_attempt_at,
        last_error = excluded.last_error,
        bars = excluded.bars,
        flags = excluded.flags,
        meta = excluded.meta`);
    this.forgetStmt = db.prepare('DELETE FROM fetch_state WHERE symbol = ?');
    this.recordTx = immediateTransaction(db, (u: FetchStateUpdate) => this.recordOne(u));
  }

  async forget(symbol: string): Promise<void> {
    this.forgetStmt.run(symbol);
  }

  /**
   * Records one attempt without a transaction of its own (ticker writes call it inside theirs).
   * A failure keeps the last success, its bar count and flags; `meta` is merged key by key so one
   * piece of per-source memory does not erase another.
   */
  recordOne(u: FetchStateUpdate): void {
    const old = this.getStmt.get(u.symbol, u.source);
    const ok = u.error === null;
    const at = toMs(u.at);
    const meta = { ...fromJson<Record<string, unknown>>(old?.meta ?? null, {}), ...(u.meta ?? {}) };
    this.putStmt.run({
      symbol: u.symbol,
      source: u.source,
      lastSuccessAt: ok ? at : (old?.last_success_at ?? null),
      lastAttemptAt: at,
      lastError: ok ? null : u.error,
      bars: ok && u.bars !== undefined ? u.bars : (old?.bars ?? 0),
      flags: u.flags !== undefined ? toJson(u.flags, 'quality flags') : (old?.flags ?? '[]'),
      meta: toJson(meta, `fetch meta of ${u.symbol}`),
    });
  }

  async record(update: FetchStateUpdate): Promise<void> {
    this.recordTx(update);
  }

  async get(symbol: string, source: string): Promise<FetchState | null> {
    const row = this.getStmt.get(symbol, source);
    return row ? toState(row) : null;
  }

  async list(source?: string): Promise<FetchState[]> {
    const rows = source === undefined ? this.listAllStmt.all() : this.listSourceStmt.all(source);
    return rows.map(toState);
  }
}
