import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';

describe('breadth --universe X with no breadth stored for X', () => {
  let dir: string;
  let db: string;
  const cli = (...args: string[]) =>
    runNodeChild([cliEntry(), '--db', db, ...args], { MARKETDECK_DATA_DIR: join(dir, 'data') });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-breadth-universes-'));
    db = join(dir, 'md.db');
    const gen = await cli('generate', '--tickers', '3', '--days', '40');
    assert.equal(gen.code, 0, gen.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says no universe has breadth yet before any analysis', async () => {
    const r = await cli('breadth', '--universe', 'synthetic');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no breadth stored for universe "synthetic" \(no universe has breadth stored\)/);
  });

  it('names the universes that have breadth and how to analyse the one asked for', async () => {
    // A plain analyze stores breadth under cached, every stored ticker, not under synthetic.
    assert.equal((await cli('analyze', '--full')).code, 0);
    const r = await cli('breadth', '--universe', 'synthetic');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /no breadth stored for universe "synthetic" \(breadth is stored for: cached\); run `marketdeck analyze --universe synthetic` to analyse it/,
    );
    assert.equal((await cli('analyze', '--universe', 'synthetic')).code, 0);
    assert.equal((await cli('breadth', '--universe', 'synthetic', '--json')).code, 0);
  });
});
