import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamedStatements } from '../../src/store/postgres/named-statements.js';

describe('PostgreSQL statement names', () => {
  it('names a repeated statement once, and leaves statements without values unnamed', () => {
    const names = new NamedStatements();
    const a = names.of('SELECT $1', [1]);
    assert.ok(a.name);
    assert.equal(names.of('SELECT $1', [2]).name, a.name, 'the same text keeps its name');
    assert.notEqual(names.of('SELECT $1, $2', [1, 2]).name, a.name);
    assert.equal(names.of('BEGIN', undefined).name, undefined);
  });

  it('runs a multi-row VALUES list built from its row count unnamed, so its lengths do not use up the names', () => {
    const names = new NamedStatements();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    for (let n = 129; n < 600; n++) {
      const values = Array.from({ length: 2 * n }, () => 0);
      assert.equal(names.of(`INSERT INTO t VALUES ${rows(n)}`, values).name, undefined, `${n} rows`);
    }
    // A ticker's bar write of 62 years (5 + 4 x 62 values) is still named, and names are left for it.
    const bars = names.of(
      'INSERT INTO bars VALUES ...',
      Array.from({ length: 5 + 4 * 62 }, () => 0),
    );
    assert.ok(bars.name);
  });
});
