import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIntOption } from '../../src/cli/commands/parse-options.js';
import { UsageError } from '../../src/cli/exit-codes.js';

describe('parseIntOption', () => {
  it('reads plain digits within the range, and an absent flag as undefined', () => {
    assert.equal(parseIntOption('--limit', '1000', 1, 100_000), 1000);
    assert.equal(parseIntOption('--port', '0', 0, 65_535), 0);
    assert.equal(parseIntOption('--limit', '007', 1, 100), 7);
    assert.equal(parseIntOption('--limit', undefined, 1, 100), undefined);
  });

  it('refuses what Number() would read but a person would not write as a count, naming flag and value', () => {
    for (const value of ['1e3', '', '0x10', ' 5', '5 ', '1.5', '-1', '+3', 'abc']) {
      assert.throws(
        () => parseIntOption('--limit', value, 0, 100_000),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message === `--limit "${value}" is not allowed; expected an integer 0-100000`,
        value,
      );
    }
  });

  it('refuses values outside the range', () => {
    assert.throws(() => parseIntOption('--port', '65536', 0, 65_535), UsageError);
    assert.throws(() => parseIntOption('--limit', '0', 1, 10), UsageError);
  });
});
