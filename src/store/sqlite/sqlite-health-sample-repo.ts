import type Database from 'better-sqlite3';
import type { HealthSample, HealthSampleRepo } from '../store.js';

interface HealthStatements {
  insert: Database.Statement<[number, string]>;
  since: Database.Statement<[number], { at: number; values_json: string }>;
  prune: Database.Statement<[number]>;
}

/**
 * Health samples in the SQLite file. Its statements are prepared on first use: the table arrives with
 * migration 9, and a store opened at an older schema (a migration test building an old file) never touches it.
 */
export class SqliteHealthSampleRepo implements HealthSampleRepo {
  private statements?: HealthStatements;

  constructor(private readonly db: Database.Database) {}

  private get s(): HealthStatements {
    this.statements ??= {
      // Two samples in one millisecond (a test's fake clock) keep the later one.
      insert: this.db.prepare('INSERT OR REPLACE INTO health_samples (at, values_json) VALUES (?, ?)'),
      since: this.db.prepare('SELECT at, values_json FROM health_samples WHERE at >= ? ORDER BY at'),
      prune: this.db.prepare('DELETE FROM health_samples WHERE at < ?'),
    };
    return this.statements;
  }

  async add(sample: HealthSample): Promise<void> {
    this.s.insert.run(sample.at.getTime(), JSON.stringify(sample.values));
  }

  async list(since: Date): Promise<HealthSample[]> {
    return this.s.since.all(since.getTime()).map((r) => ({
      at: new Date(r.at),
      values: JSON.parse(r.values_json) as Record<string, unknown>,
    }));
  }

  async prune(before: Date): Promise<number> {
    return this.s.prune.run(before.getTime()).changes;
  }
}
