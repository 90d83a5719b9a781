import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeatmapPayload, HeatmapTicker } from '../../web/src/state/api-types.js';
import { changeColor, layoutTreemap, tileAt } from '../../web/src/state/treemap-layout.js';

const change = { d1: 1, w1: null, m1: -2, ytd: 5 };
const ticker = (symbol: string, marketCap: number | null): HeatmapTicker => ({
  symbol,
  name: symbol,
  marketCap,
  close: 10,
  change,
});
const market = (members: HeatmapTicker[]): HeatmapPayload => ({
  asOf: '2018-02-07',
  sectors: [
    {
      name: 'Energy',
      marketCap: 0,
      tickers: members.length,
      change,
      industries: [{ name: 'Oil', marketCap: 0, tickers: members.length, change, members }],
    },
  ],
});
const area = (t: { x0: number; x1: number; y0: number; y1: number }) => (t.x1 - t.x0) * (t.y1 - t.y0);

describe('heatmap treemap layout', () => {
  it('sizes tiles by market cap', () => {
    const { tiles, sizing } = layoutTreemap(market([ticker('BIG', 3e9), ticker('SMALL', 1e9)]), 400, 300);
    const leaves = tiles.filter((t) => t.depth === 3);
    assert.equal(sizing, 'market-cap');
    const ratio = area(leaves.find((t) => t.name === 'BIG')!) / area(leaves.find((t) => t.name === 'SMALL')!);
    assert.ok(Math.abs(ratio - 3) < 0.3, `ratio ${ratio}`);
  });

  it('draws equal tiles when no cap is known, and unknown caps at the median among known ones', () => {
    const equal = layoutTreemap(market([ticker('A', null), ticker('B', null)]), 400, 300);
    assert.equal(equal.sizing, 'equal');
    const mixed = layoutTreemap(market([ticker('A', 1e9), ticker('B', 1e9), ticker('C', null)]), 400, 300);
    assert.equal(mixed.sizing, 'mixed');
    assert.equal(mixed.unknownCaps, 1);
    const leaves = mixed.tiles.filter((t) => t.depth === 3);
    assert.ok(Math.abs(area(leaves[0]) - area(leaves[2])) / area(leaves[0]) < 0.1);
  });

  it('finds the ticker under a point and colours changes from red through grey to green', () => {
    const { tiles } = layoutTreemap(
      market(Array.from({ length: 5000 }, (_, i) => ticker(`T${i}`, 1e9 + i))),
      1200,
      800,
    );
    const some = tiles.filter((t) => t.depth === 3)[1234];
    assert.equal(tileAt(tiles, (some.x0 + some.x1) / 2, (some.y0 + some.y1) / 2)?.name, some.name);
    assert.equal(changeColor(3, 3), 'rgb(22,160,110)');
    assert.equal(changeColor(-9, 3), 'rgb(220,60,60)');
    assert.equal(changeColor(null, 3), 'rgb(90,96,106)');
  });
});
