import type { EpochDay } from '../../domain/epoch-day.js';
import type { UniverseMember, UniverseRepo } from '../store.js';
import type { PgDb } from './pg-db.js';

export class PgUniverseRepo implements UniverseRepo {
  constructor(private readonly db: PgDb) {}

  /** Replaces the members; an absent description keeps the stored one. */
  async set(name: string, members: readonly UniverseMember[], description?: string): Promise<void> {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`universe name ${JSON.stringify(name)} is not valid; expected a non-empty string`);
    }
    await this.db.tx(async (sql) => {
      await sql.query(
        `INSERT INTO universes AS u (name, description, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET
           description = coalesce(excluded.description, u.description), updated_at = excluded.updated_at`,
        [name, description ?? null, Date.now()],
      );
      await sql.query('DELETE FROM universe_members WHERE universe = $1', [name]);
      await sql.query(
        `INSERT INTO universe_members (universe, position, symbol, from_date, to_date)
         SELECT $1, p - 1, s, f, t FROM unnest($2::text[], $3::int[], $4::int[]) WITH ORDINALITY AS m(s, f, t, p)`,
        [name, members.map((m) => m.symbol), members.map((m) => m.from ?? null), members.map((m) => m.to ?? null)],
      );
    });
  }

  async get(name: string): Promise<UniverseMember[] | null> {
    const exists = await this.db.query('SELECT 1 FROM universes WHERE name = $1', [name]);
    if (exists.rowCount === 0) return null;
    const { rows } = await this.db.query<{ symbol: string; from_date: number | null; to_date: number | null }>(
      'SELECT symbol, from_date, to_date FROM universe_members WHERE universe = $1 ORDER BY position',
      [name],
    );
    return rows.map((r) => ({
      symbol: r.symbol,
      from: r.from_date as EpochDay | null,
      to: r.to_date as EpochDay | null,
    }));
  }

  async list(): Promise<{ name: string; members: number; description: string | null }[]> {
    const { rows } = await this.db.query<{ name: string; members: number; description: string | null }>(`
      SELECT u.name, u.description, (SELECT count(*) FROM universe_members m WHERE m.universe = u.name) AS members
      FROM universes u ORDER BY u.name COLLATE "C"`);
    return rows;
  }
}
