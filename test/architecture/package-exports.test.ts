import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

function importByName(specifier: string, expression: string): string {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(${expression});`],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('package exports', () => {
  it('imports marketdeck/analysis by name with the documented kernels', () => {
    const names = importByName('marketdeck/analysis', "Object.keys(m).sort().join(',')").split(',');
    for (const k of ['sma', 'ema', 'rsi', 'macd', 'bbands', 'atr']) assert.ok(names.includes(k), k);
  });

  it('computes with the imported kernels', () => {
    assert.equal(
      importByName('marketdeck/analysis', 'Array.from(m.sma(new Float64Array([1, 2, 3, 4]), 2)).join()'),
      'NaN,1.5,2.5,3.5',
    );
  });

  it('imports the root, store and config entries', () => {
    assert.equal(importByName('marketdeck', 'typeof m.openStore'), 'function');
    assert.equal(importByName('marketdeck/store', 'typeof m.SqliteStore'), 'function');
    assert.equal(importByName('marketdeck/config', 'typeof m.loadConfig'), 'function');
  });
});
