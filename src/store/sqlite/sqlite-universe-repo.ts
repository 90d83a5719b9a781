import type Database from 'better-sqlite3';
import type { EpochDay } from '../../domain/epoch-day.js';
import type { UniverseMember, UniverseRepo } from '../store.js';
import { immediateTransaction } from './immediate-transaction.js';

interface MemberRow {
  symbol: string;
  from_date: number | null;
  to_date: number | null;
}

export class SqliteUniverseRepo implements UniverseRepo {
  private readonly setTx: (name: string, members: readonly UniverseMember[], description?: string) => void;
  private readonly existsStmt: Database.Statement<[string], number>;
  private readonly membersStmt: Database.Statement<[string], MemberRow>;
  private readonly listStmt: Database.Statement<[], { name: string; members: number; description: string | null }>;

  constructor(db: Database.Database) {
    // An absent description keeps the stored one, so re-setting members does not need to repeat it.
    const putUniverse = db.prepare<[string, string | null, number]>(`
      INSERT INTO universes (name, description, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET
        description = coalesce(excluded.description, description), updated_at = excluded.updated_at`);
    const clear = db.prepare<[string]>('DELETE FROM universe_members WHERE universe = ?');
    const putMember = db.prepare<[string, number, string, number | null, number | null]>(
      'INSERT INTO universe_members (universe, position, symbol, from_date, to_date) VALUES (?, ?, ?, ?, ?)',
    );
    this.setTx = immediateTransaction(db, (name: string, members: readonly UniverseMember[], description?: string) => {
      if (typeof name !== 'string' || name === '') {
        throw new TypeError(`universe name ${JSON.stringify(name)} is not valid; expected a non-empty string`);
      }
      putUniverse.run(name, description ?? null, Date.now());
      clear.run(name);
      members.forEach((m, i) => {
        putMember.run(name, i, m.symbol, m.from ?? null, m.to ?? null);
      });
    });
    this.existsStmt = db.prepare<[string], number>('SELECT 1 FROM universes WHERE name = ?').pluck();
    this.membersStmt = db.prepare(
      'SELECT symbol, from_date, to_date FROM universe_members WHERE universe = ? ORDER BY position',
    );
    this.listStmt = db.prepare(`
      SELECT u.name, u.description,
             (SELECT count(*) FROM universe_members m WHERE m.universe = u.name) AS members
      FROM universes u ORDER BY u.name`);
  }

  async set(name: string, members: readonly UniverseMember[], description?: string): Promise<void> {
    this.setTx(name, members, description);
  }

  /** Members in the order they were set; null for a universe never set. */
  async get(name: string): Promise<UniverseMember[] | null> {
    if (this.existsStmt.get(name) === undefined) return null;
    return this.membersStmt.all(name).map((r) => ({
      symbol: r.symbol,
      from: r.from_date as EpochDay | null,
      to: r.to_date as EpochDay | null,
    }));
  }

  async list(): Promise<{ name: string; members: number; description: string | null }[]> {
    return this.listStmt.all();
  }
}
