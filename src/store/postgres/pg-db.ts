import pg from 'pg';
import { NamedStatements } from './named-statements.js';

export { isDatabaseUrl as isPostgresUrl, maskDatabase as maskConnectionString } from '../../config/index.js';

/** Something that runs one parameterised statement: the pool, or the client of an open transaction. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** A transaction open across awaits (PgDb.begin). */
export interface OpenTransaction {
  sql: Sql;
  commit(): Promise<void>;
  rollback(): Promise<void>;
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
  private readonly statements = new NamedStatements();

  constructor(connectionString: string, max: number) {
    this.pool = new pg.Pool({ connectionString, max, types: TYPES, idleTimeoutMillis: 30_000 });
    // An idle connection the server drops (a restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(this.statements.of(text, values));
  }

  async tx<T>(fn: (sql: Sql) => Promise<T>, mode = 'BEGIN'): Promise<T> {
    const tx = await this.begin(mode);
    let result: T;
    try {
      result = await fn(tx.sql);
    } catch (error) {
      await tx.rollback().catch(() => {});
      throw error;
    }
    await tx.commit();
    return result;
  }

  /** A connection held until released, for work that needs one throughout (a COPY, the migrations' lock). */
  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  /**
   * A transaction left open across the caller's awaits, on a connection of its own: what runs through `sql`
   * is in it, every other statement of this pool is not. `commit` and `rollback` end it and free the connection.
   */
  async begin(mode = 'BEGIN'): Promise<OpenTransaction> {
    const client = await this.pool.connect();
    try {
      await client.query(mode);
    } catch (error) {
      client.release();
      throw error;
    }
    let open = true;
    const end = async (command: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return;
      open = false;
      try {
        await client.query(command);
      } catch (error) {
        // A connection whose transaction could not end is not given back to the pool as it is.
        client.release(error as Error);
        throw error;
      }
      client.release();
    };
    return {
      sql: {
        query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
          client.query<R>(this.statements.of(text, values)),
      },
      commit: () => end('COMMIT'),
      rollback: () => end('ROLLBACK'),
    };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
