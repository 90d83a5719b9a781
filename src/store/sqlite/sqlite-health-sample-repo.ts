import type Database from 'better-sqlite3';
import type { HealthSample, HealthSampleRepo } from '../store.js';

export class SqliteHealthSampleRepo implements HealthSampleRepo {
  private readonly insert: Database.Statement<[number, string]>;
  private readonly since: Database.Statement<[number], { at: number; values_json: string }>;
  private readonly pruneStmt: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    // Two samples in one millisecond (a test's fake clock) keep the later one.
    this.insert = db.prepare('INSERT OR REPLACE INTO health_samples (at, values_json) VALUES (?, ?)');
    this.since = db.prepare('SELECT at, values_json FROM health_samples WHERE at >= ? ORDER BY at');
    this.pruneStmt = db.prepare('DELETE FROM health_samples WHERE at < ?');
  }

  async add(sample: HealthSample): Promise<void> {
    this.insert.run(sample.at.getTime(), JSON.stringify(sample.values));
  }

  async list(since: Date): Promise<HealthSample[]> {
    return this.since.all(since.getTime()).map((r) => ({
      at: new Date(r.at),
      values: JSON.parse(r.values_json) as Record<string, unknown>,
    }));
  }

  async prune(before: Date): Promise<number> {
    return this.pruneStmt.run(before.getTime()).changes;
  }
}
