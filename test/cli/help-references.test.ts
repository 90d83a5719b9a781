import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { INDICATOR_NAMES } from '../../src/analysis/indicator-arrays.js';
import { BREADTH_FIELDS } from '../../src/domain/breadth-series.js';

const BIN = resolve('bin', 'marketdeck');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('what the help text points to', () => {
  it('names only docs files that exist, and docs/indicators.md defines every indicator and breadth field', () => {
    const help = ['analyze', 'breadth', 'show', 'generate'].map((c) => run(c, '--help').stdout).join('\n');
    const docs = [...help.matchAll(/docs\/[\w./-]+\.md/g)].map((m) => m[0]);
    assert.ok(docs.includes('docs/indicators.md'), 'the breadth help points to the definitions');
    for (const path of docs) assert.ok(existsSync(path), `${path} exists`);
    const text = readFileSync('docs/indicators.md', 'utf8');
    for (const name of [...INDICATOR_NAMES, ...BREADTH_FIELDS]) assert.ok(text.includes(`\`${name}\``), name);
  });

  it('the universe generate lists its tickers under can be analysed and shown', () => {
    assert.match(run('generate', '--help').stdout, /"synthetic" universe/);
    const dir = mkdtempSync(join(tmpdir(), 'md-synthetic-'));
    const db = join(dir, 's.db');
    try {
      const none = run('--db', db, 'analyze', '--universe', 'synthetic');
      assert.equal(none.status, 2);
      assert.match(none.stderr, /no synthetic market is stored; run `marketdeck generate/);
      assert.equal(run('--db', db, 'generate', '--tickers', '3', '--days', '40').status, 0);
      const r = run('--db', db, 'analyze', '--universe', 'synthetic', '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).tickers, 3);
      assert.equal(run('--db', db, 'breadth', '--universe', 'synthetic', '--json').status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
