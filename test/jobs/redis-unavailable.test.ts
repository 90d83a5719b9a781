import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closedPort } from '../support/closed-port.js';
import { redisAvailable, TEST_REDIS_URL } from '../support/redis-test-prefix.js';
import { runNodeChild } from '../support/run-node-child.js';

const script = fileURLToPath(
  new URL(`../../src/cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

const available = await redisAvailable();
const skip = available.ok ? false : available.reason;
if (skip) console.log(`# ${skip}`);

describe('a shared queue whose Redis refuses or is away', () => {
  let dir = '';
  let db = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-redis-away-'));
    db = join(dir, 'md.db');
    const up = await runNodeChild([script, '--db', db, 'up', '--no-serve'], {});
    assert.equal(up.code, 0, up.stderr);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a refused login: status and update exit 1 naming REDIS_URL, the password masked and never printed', {
    skip,
  }, async () => {
    // The test server has no such user: Redis answers AUTH with WRONGPASS.
    const url = new URL(TEST_REDIS_URL);
    url.username = 'marketdeck-nobody';
    url.password = 'hunter2-secret';
    for (const args of [['status'], ['update', '--universe', 'sample']]) {
      const r = await runNodeChild([script, '--db', db, ...args], { REDIS_URL: url.href });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /Redis at redis:\/\/marketdeck-nobody:\*\*\*@.* \(REDIS_URL\) is not usable: WRONGPASS/);
      assert.doesNotMatch(r.stdout + r.stderr, /hunter2-secret/);
      assert.doesNotMatch(r.stderr, /ReplyError|at parseError/, 'no stack trace');
    }
  });

  it('Redis away: status exits 1 at once, saying the connection was refused', async () => {
    const port = await closedPort();
    const r = await runNodeChild([script, '--db', db, 'status'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`Redis at redis://127.0.0.1:${port} \\(REDIS_URL\\) is not usable: .*ECONNREFUSED`),
    );
  });
});
