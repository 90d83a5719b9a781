import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ellipsis, type MeasureText, MIN_TILE_FONT, tileLabel } from '../../web/src/state/tile-label.js';

/** A stand-in for the canvas: every character 0.62 em wide, as bold system-ui capitals about are. */
const measure: MeasureText = (text, size) => text.length * size * 0.62;

describe('heatmap tile labels', () => {
  it('fits the whole symbol in a small tile with a smaller type before cutting it', () => {
    const label = tileLabel(measure, 'GOOGL', '-2.68%', 30, 30);
    assert.ok(label);
    assert.equal(label.symbol, 'GOOGL');
    assert.ok(label.size >= MIN_TILE_FONT && measure('GOOGL', label.size, 'symbol') <= 26);
  });

  it('never draws past the tile: the change only when it fits, a cut symbol when nothing else does', () => {
    for (const [w, h] of [
      [18, 12],
      [24, 40],
      [40, 18],
      [60, 60],
      [120, 80],
    ]) {
      const label = tileLabel(measure, 'CMCSA', '+12.34%', w, h);
      if (!label) continue;
      assert.ok(measure(label.symbol, label.size, 'symbol') <= w - 4, `${w}x${h} symbol`);
      assert.ok(label.size * 1.25 <= h, `${w}x${h} height`);
      if (label.change) {
        assert.ok(measure(label.change, label.size - 3, 'change') <= w - 4, `${w}x${h} change`);
        assert.ok(label.size + 2 + label.size - 3 <= h - 4, `${w}x${h} two lines`);
      }
    }
    assert.deepEqual(tileLabel(measure, 'CMCSA', '+1.21%', 20, 30), {
      symbol: 'CM…',
      size: MIN_TILE_FONT,
      change: null,
    });
    assert.equal(tileLabel(measure, 'CMCSA', '+1.21%', 8, 30), null);
    assert.equal(tileLabel(measure, 'A', '+1.21%', 30, 6), null);
  });

  it('keeps big tiles at the largest type with the change below, and a mid-sized tile its change too', () => {
    assert.deepEqual(tileLabel(measure, 'AAPL', '-2.14%', 200, 120), { symbol: 'AAPL', size: 18, change: '-2.14%' });
    assert.equal(tileLabel(measure, 'BAX', '-1.68%', 40, 40)?.change, '-1.68%');
  });

  it('cuts a name to its width with an ellipsis, keeping the characters asked for', () => {
    const width = (text: string) => text.length * 10;
    assert.equal(ellipsis(width, 'ENERGY', 60), 'ENERGY');
    assert.equal(ellipsis(width, 'UTILITIES', 60), 'UTILI…');
    assert.equal(ellipsis(width, 'UTILITIES', 15), null);
    assert.equal(ellipsis(width, 'UTILITIES', 25, 2), null);
    assert.equal(ellipsis(width, 'UTILITIES', 30, 2), 'UT…');
  });
});
