import pg from 'pg';

/** The PostgreSQL server the tests use (CI starts it; .ci/run). */
export const TEST_PG_SERVER = process.env.MARKETDECK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  /** The database's URL. */
  url: string;
  /** A URL of the same database whose tables live in a schema of their own (created here): a fresh, empty store. */
  freshSchemaUrl(): Promise<string>;
  /** Drops the database (and everything in it). */
  drop(): Promise<void>;
}

/**
 * Whether the test server answers. Under CI=true a missing server is a failure, never a skip; on a user's
 * machine without PostgreSQL the tests skip and say so.
 */
export async function postgresAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    const reason = `PostgreSQL at ${TEST_PG_SERVER} is not reachable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true the PostgreSQL tests must run`);
    return { ok: false, reason: `${reason}: skipping the PostgreSQL tests` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database of this test run's own, dropped by `drop()`. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `marketdeck_test_${label}_${process.pid}_${Date.now().toString(36)}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = `${TEST_PG_SERVER}/${name}`;
  let schemas = 0;
  return {
    url,
    async freshSchemaUrl() {
      const schema = `s${++schemas}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await c.end();
      }
      return `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
    async drop() {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
