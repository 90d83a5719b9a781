import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BarSeries } from '../../src/domain/bar-series.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-reader-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TICKERS = 20;
const DAYS = 900; // three calendar years, so every write rewrites several chunk rows per ticker
const ROUNDS = 30;

/** The round a series was written in; throws when its bars mix rounds (a torn write). */
function roundOf(s: BarSeries): number {
  const r = s.close[0];
  assert.equal(s.dates.length, DAYS, `${s.symbol} has ${s.dates.length} bars`);
  for (const field of [s.open, s.high, s.low, s.close, s.adjClose, s.volume]) {
    for (let i = 0; i < field.length; i++) {
      if (field[i] !== r) assert.fail(`${s.symbol} mixes rounds ${r} and ${field[i]} at index ${i}`);
    }
  }
  return r;
}

/** Runs the writer the way this test runs: compiled JS under node, or TypeScript through the same loader. */
function spawnWriter(path: string) {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const script = fileURLToPath(new URL(`./writer-process${ext}`, import.meta.url));
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  return spawn(process.execPath, [...execArgv, script, path, String(TICKERS), String(DAYS), String(ROUNDS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('SQLite store shared by two processes', () => {
  it('reads consistent tickers while another process writes, and sees its last round at the end', async (t) => {
    const path = join(dir, 'shared.db');
    const reader = await SqliteStore.open(path);
    const child = spawnWriter(path);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let running = true;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        running = false;
        resolve(code);
      }),
    );

    let passes = 0;
    const roundsSeen = new Set<number>();
    try {
      while (running) {
        const rounds = new Set<number>();
        let count = 0;
        for await (const s of reader.bars.readAll()) {
          rounds.add(roundOf(s));
          count++;
        }
        // One readAll batch is one snapshot: all tickers come from the same writer transaction.
        assert.ok(rounds.size <= 1, `one pass saw rounds ${[...rounds].join(',')}`);
        if (count > 0) assert.equal(count, TICKERS);
        for (const r of rounds) roundsSeen.add(r);
        const one = await reader.bars.read('W007');
        if (one) roundOf(one);
        // The reader writes too, so both processes contend for the write lock (busy timeout at work).
        await reader.cache.setMany([{ key: `pass-${passes}`, value: { passes } }], 1);
        passes++;
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(await exited, 0, `writer failed: ${stderr}`);
      const last = new Set<number>();
      for await (const s of reader.bars.readAll()) last.add(roundOf(s));
      assert.deepEqual([...last], [ROUNDS]);
      assert.ok(passes > 0);
      t.diagnostic(`${passes} read passes saw ${roundsSeen.size} of ${ROUNDS} writer rounds`);
      assert.equal((await reader.cache.list()).length, passes);
    } finally {
      child.kill();
      await reader.close();
    }
  });
});
