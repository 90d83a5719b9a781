import type { PgMigration } from './pg-migration.js';

/**
 * The whole schema as of the SQLite store's version 8, laid out the same way so the two adapters keep one
 * model: instants are epoch milliseconds (bigint), exchange dates EpochDay integers, JSON columns text.
 * Bars are columnar: one row per ticker and calendar year holding the year's bars as the blob of
 * src/store/bar-codec.ts, so loading the market reads ~10 rows per ticker instead of ~2,500. PostgreSQL's
 * row versions make a small tail row (the SQLite store's write-ahead trick) pointless, so there is none.
 */
export const pgMigration001Foundation: PgMigration = {
  version: 1,
  name: 'foundation',
  async up(sql) {
    await sql.query(`
      CREATE TABLE tickers (
        id          bigserial PRIMARY KEY,
        symbol      text NOT NULL UNIQUE,
        name        text,
        exchange    text,
        currency    text,
        type        text,
        sector      text,
        industry    text,
        market_cap  double precision,
        first_date  integer,
        last_date   integer,
        bar_count   integer NOT NULL DEFAULT 0,
        bar_version integer NOT NULL DEFAULT 0
      );
      CREATE TABLE bars (
        ticker_id bigint NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        year      integer NOT NULL,
        n         integer NOT NULL,
        data      bytea NOT NULL,
        PRIMARY KEY (ticker_id, year)
      );
      -- blobs are already dense doubles: compressing them costs CPU on every read for little space
      ALTER TABLE bars ALTER COLUMN data SET STORAGE EXTERNAL;
      CREATE TABLE bars_superseded (
        symbol        text PRIMARY KEY,
        bar_version   integer NOT NULL,
        n             integer NOT NULL,
        data          bytea NOT NULL,
        superseded_at text NOT NULL
      );
      CREATE TABLE dividends (
        ticker_id bigint NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        date      integer NOT NULL,
        amount    double precision NOT NULL,
        PRIMARY KEY (ticker_id, date)
      );
      CREATE TABLE splits (
        ticker_id   bigint NOT NULL REFERENCES tickers(id) ON DELETE CASCADE,
        date        integer NOT NULL,
        numerator   double precision NOT NULL,
        denominator double precision NOT NULL,
        PRIMARY KEY (ticker_id, date)
      );
      CREATE TABLE fetch_state (
        symbol          text NOT NULL,
        source          text NOT NULL,
        last_success_at bigint,
        last_attempt_at bigint,
        last_error      text,
        bars            integer NOT NULL DEFAULT 0,
        flags           text NOT NULL DEFAULT '[]',
        meta            text NOT NULL DEFAULT '{}',
        PRIMARY KEY (symbol, source)
      );
      CREATE TABLE universes (
        name        text PRIMARY KEY,
        description text,
        updated_at  bigint NOT NULL
      );
      CREATE TABLE universe_members (
        universe  text NOT NULL REFERENCES universes(name) ON DELETE CASCADE,
        position  integer NOT NULL,
        symbol    text NOT NULL,
        from_date integer,
        to_date   integer,
        PRIMARY KEY (universe, position)
      );
      CREATE TABLE rejects (
        id         bigserial PRIMARY KEY,
        source     text NOT NULL,
        location   text NOT NULL,
        symbol     text,
        reason     text NOT NULL,
        raw        text NOT NULL,
        created_at bigint NOT NULL,
        UNIQUE (source, location, reason)
      );
      CREATE TABLE dashboard_cache (
        key        text PRIMARY KEY,
        value      text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        bytes      integer NOT NULL
      );
      CREATE TABLE job_runs (
        seq         bigserial UNIQUE,
        id          text PRIMARY KEY,
        kind        text NOT NULL,
        params      text NOT NULL,
        status      text NOT NULL,
        progress    text,
        created_at  bigint NOT NULL,
        started_at  bigint,
        finished_at bigint,
        metrics     text,
        error       text,
        owner       text
      );
      CREATE INDEX job_runs_created_at ON job_runs(created_at);
      CREATE INDEX job_runs_status ON job_runs(status);
      CREATE TABLE quotes (
        symbol              text PRIMARY KEY,
        name                text,
        exchange            text,
        currency            text,
        quote_type          text,
        price               double precision,
        market_cap          double precision,
        trailing_pe         double precision,
        forward_pe          double precision,
        eps                 double precision,
        dividend_yield      double precision,
        fifty_two_week_high double precision,
        fifty_two_week_low  double precision,
        average_volume      double precision,
        shares_outstanding  double precision,
        fetched_at          bigint NOT NULL
      );
      CREATE TABLE analysis_tickers (
        symbol      text PRIMARY KEY,
        row_date    integer,
        row         text,
        bar_version integer,
        last_date   integer,
        state       bytea
      );
      CREATE TABLE signals (
        symbol     text NOT NULL,
        year       integer NOT NULL,
        n          integer NOT NULL,
        first_date integer NOT NULL,
        last_date  integer NOT NULL,
        dates      bytea NOT NULL,
        kinds      bytea NOT NULL,
        vals       bytea NOT NULL,
        PRIMARY KEY (symbol, year)
      );
      CREATE INDEX signals_year ON signals(year);
      CREATE TABLE breadth (
        universe   text NOT NULL,
        scope      text NOT NULL,
        n          integer NOT NULL,
        first_date integer,
        last_date  integer,
        dates      bytea NOT NULL,
        fields     text NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (universe, scope)
      );
      CREATE TABLE breadth_state (
        universe   text PRIMARY KEY,
        state      bytea NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE TABLE portfolios (
        name          text PRIMARY KEY,
        base_currency text NOT NULL,
        source        text,
        updated_at    bigint NOT NULL
      );
      CREATE TABLE portfolio_transactions (
        portfolio text NOT NULL REFERENCES portfolios (name) ON DELETE CASCADE,
        position  integer NOT NULL,
        date      integer NOT NULL,
        symbol    text NOT NULL,
        type      text NOT NULL CHECK (type IN ('buy', 'sell', 'dividend', 'split')),
        quantity  double precision NOT NULL,
        price     double precision NOT NULL,
        fees      double precision NOT NULL,
        currency  text NOT NULL,
        PRIMARY KEY (portfolio, position)
      );
      CREATE TABLE reports (
        id         bigserial PRIMARY KEY,
        run_id     text NOT NULL,
        symbol     text NOT NULL,
        analyst    text NOT NULL,
        verdict    text NOT NULL,
        reasons    text NOT NULL,
        summary    text NOT NULL,
        facts      text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX reports_by_symbol ON reports (symbol, created_at);
    `);
  },
};
