import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/server/error-codes.js';

describe('the HTTP API error codes', () => {
  it('documents every registered code with its status in README.md "HTTP API"', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('## HTTP API');
    assert.ok(start >= 0, 'README.md has an "HTTP API" section');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.match(section, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} (${status}) is not documented`);
    }
  });
});
