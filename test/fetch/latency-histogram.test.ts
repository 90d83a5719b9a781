import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../../src/fetch/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('reports percentiles within 2% of the exact values', () => {
    const h = new LatencyHistogram();
    const samples = Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 10_000) / 20);
    for (const s of samples) h.record(s);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1];
      const got = h.percentile(p);
      assert.ok(Math.abs(got - exact) / exact < 0.02, `p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.count, 10_000);
    assert.equal(h.summary().max, 501, 'rounded to 0.1 ms');
  });

  it('is NaN when empty and ignores negative or NaN samples', () => {
    const h = new LatencyHistogram();
    h.record(Number.NaN);
    h.record(-1);
    assert.equal(h.count, 0);
    assert.ok(Number.isNaN(h.percentile(50)));
  });
});
