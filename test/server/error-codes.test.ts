import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/server/error-codes.js';

const SERVER_DIR = join('src', 'server');

/** Every MD_ERR_ code written in the server's sources. */
function codesUsedInServer(): Set<string> {
  const used = new Set<string>();
  for (const name of readdirSync(SERVER_DIR)) {
    if (!name.endsWith('.ts')) continue;
    for (const m of readFileSync(join(SERVER_DIR, name), 'utf8').matchAll(/MD_ERR_[A-Z_]+/g)) used.add(m[0]);
  }
  return used;
}

describe('the HTTP API error codes', () => {
  it('registers every code the server uses', () => {
    const used = codesUsedInServer();
    assert.ok(used.size >= 5, `found ${used.size} codes`);
    for (const code of used) assert.ok(Object.hasOwn(ERROR_CODES, code), `${code} is used but not registered`);
  });

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

  it('gives every code a client or server error status', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.ok(status >= 400 && status < 600, `${code} has status ${status}`);
    }
  });
});
