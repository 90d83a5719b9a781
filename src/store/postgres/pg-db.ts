import pg from 'pg';

export { isDatabaseUrl as isPostgresUrl, maskDatabase as maskConnectionString } from '../../config/index.js';

/** Something that runs one parameterised statement: the pool, or the client of an open transaction. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * Type parsers of this store's connections: 64-bit integers (epoch milliseconds, counts, bar versions) come
 * back as numbers, since every value marketdeck keeps in one fits a double exactly; numeric sums likewise.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A pool of connections to one PostgreSQL database. Every statement outside a transaction takes any free
 * connection; `tx` holds one connection for a whole transaction, which is how one ticker's write (bars,
 * events, info, fetch state) stays one unit as the Store promises.
 */
export class PgDb implements Sql {
  readonly pool: pg.Pool;

  constructor(connectionString: string, max: number) {
    this.pool = new pg.Pool({ connectionString, max, types: TYPES, idleTimeoutMillis: 30_000 });
    // An idle connection the server drops (a restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  async tx<T>(fn: (sql: Sql) => Promise<T>, mode = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(mode);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** A connection held until released, for a transaction that spans the caller's awaits (an analysis run). */
  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
