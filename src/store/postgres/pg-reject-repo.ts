import { type RejectDbRow, rejectFromRow } from '../reject-row.js';
import type { RejectRepo, RejectRow } from '../store.js';
import type { PgDb } from './pg-db.js';

/** Input lines and responses that could not be used, kept so the user can see why and fix them. */
export class PgRejectRepo implements RejectRepo {
  constructor(private readonly db: PgDb) {}

  async add(rows: readonly RejectRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Re-importing a file reports its bad rows again; the table keeps each (file:line, reason) once.
    await this.db.query(
      `INSERT INTO rejects (source, location, symbol, reason, raw, created_at)
       SELECT s, l, y, r, w, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         WITH ORDINALITY AS x(s, l, y, r, w, o)
       ORDER BY o
       ON CONFLICT (source, location, reason) DO NOTHING`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.location),
        rows.map((r) => r.symbol ?? null),
        rows.map((r) => r.reason),
        rows.map((r) => r.raw),
        Date.now(),
      ],
    );
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM rejects');
    return rows[0].n;
  }

  async list(
    limit = 100,
    filter: { files?: readonly string[] } = {},
  ): Promise<(RejectRow & { id: number; createdAt: Date })[]> {
    const files = filter.files ?? [];
    // An import's location is file:line, so a file's rows are those whose location starts with "file:".
    const { rows } =
      files.length === 0
        ? await this.db.query<RejectDbRow>('SELECT * FROM rejects ORDER BY id DESC LIMIT $1', [limit])
        : await this.db.query<RejectDbRow>(
            `SELECT * FROM rejects r
             WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS f(file) WHERE left(r.location, length(f.file) + 1) = f.file || ':')
             ORDER BY id DESC LIMIT $2`,
            [files, limit],
          );
    return rows.map(rejectFromRow);
  }
}
