import type pg from 'pg';

/** Distinct statements named at most; any further one (a statement built from data) runs unnamed. */
const MAX_NAMED_STATEMENTS = 256;
/**
 * Values a named statement has at most. A longer one is a multi-row VALUES list whose text follows its row
 * count (a batch of analysed tickers, a run's signal years): most lengths come once, its parse is small beside
 * its data, and naming each would fill the names above and leave a large prepared statement on every
 * connection. A ticker's bar write (4 values a year) stays named up to 62 years.
 */
const MAX_NAMED_VALUES = 256;

/**
 * Names each parameterised statement, so every connection parses and plans it once and then sends only its
 * values: a fetch writes each ticker with the same few statements, and re-sending and re-planning their text
 * per ticker cost the database and the worker more CPU than the bars themselves. Statements without values
 * (several commands in one, migrations) keep the simple protocol, which cannot be prepared.
 */
export class NamedStatements {
  private readonly names = new Map<string, string>();

  of(text: string, values: unknown[] | undefined): pg.QueryConfig {
    if (values === undefined) return { text };
    if (values.length > MAX_NAMED_VALUES) return { text, values };
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) {
      name = `md${this.names.size}`;
      this.names.set(text, name);
    }
    return { name, text, values };
  }
}
