import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPlainChartResponse } from '../../src/sources/yahoo/is-plain-chart-response.js';
import { chartResponseSchema } from '../../src/sources/yahoo/yahoo-chart-schema.js';
import { loadYahooFixture, repoRoot } from '../support/yahoo-fixture.js';

/** A valid two-bar answer with events; each mutation below breaks one part of it. */
function answer(): Record<string, unknown> {
  return {
    chart: {
      result: [
        {
          meta: { symbol: 'X', currency: 'USD', exchangeTimezoneName: 'America/New_York', gmtoffset: -18000, extra: 1 },
          timestamp: [1704205800, 1704292200],
          events: {
            dividends: { '1704205800': { amount: 0.2, date: 1704205800 } },
            splits: { '1704292200': { date: 1704292200, numerator: 4, denominator: 1, splitRatio: '4:1' } },
          },
          indicators: {
            quote: [{ open: [1, null], high: [1, 2], low: [1, 2], close: [1, 2], volume: [10, 20] }],
            adjclose: [{ adjclose: [1, 2] }],
          },
        },
      ],
      error: null,
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: each mutation reaches into a JSON answer by known paths.
type Json = Record<string, any>;
const result = (d: Json): Json => d.chart.result[0];

/** One broken part each; the schema refuses every one of them. */
const MUTATIONS: [string, (d: Json) => void][] = [
  ['no chart', (d) => delete d.chart],
  ['chart is an array', (d) => (d.chart = [])],
  ['no error key', (d) => delete d.chart.error],
  ['no result key', (d) => delete d.chart.result],
  ['error code not a string', (d) => (d.chart.error = { code: 1 })],
  ['result not an array', (d) => (d.chart.result = {})],
  ['meta missing', (d) => delete result(d).meta],
  ['empty time zone', (d) => (result(d).meta.exchangeTimezoneName = '')],
  ['symbol null', (d) => (result(d).meta.symbol = null)],
  ['currency a number', (d) => (result(d).meta.currency = 3)],
  ['gmtoffset a string', (d) => (result(d).meta.gmtoffset = '-5')],
  ['timestamp with a null', (d) => (result(d).timestamp = [1704205800, null])],
  ['timestamp a string', (d) => (result(d).timestamp = '1704205800')],
  ['close with a string', (d) => (result(d).indicators.quote[0].close = [1, '2'])],
  ['volume with Infinity', (d) => (result(d).indicators.quote[0].volume = [1, Number.POSITIVE_INFINITY])],
  ['quote empty', (d) => (result(d).indicators.quote = [])],
  ['quote element null', (d) => (result(d).indicators.quote = [null])],
  ['adjclose not an array', (d) => (result(d).indicators.adjclose = { adjclose: [1, 2] })],
  ['adjclose column with a boolean', (d) => (result(d).indicators.adjclose = [{ adjclose: [1, true] }])],
  ['dividend amount a string', (d) => (result(d).events.dividends['1704205800'].amount = '0.2')],
  ['dividends an array', (d) => (result(d).events.dividends = [])],
  ['split without denominator', (d) => delete result(d).events.splits['1704292200'].denominator],
  ['split ratio a number', (d) => (result(d).events.splits['1704292200'].splitRatio = 4)],
  ['events null', (d) => (result(d).events = null)],
  ['indicators missing', (d) => delete result(d).indicators],
];

describe('isPlainChartResponse (the fast check before the chart schema)', () => {
  it('recognises a well-formed answer with events, nulls and unknown keys, as the schema does', () => {
    const data = answer();
    assert.equal(chartResponseSchema.safeParse(data).success, true);
    assert.equal(isPlainChartResponse(data), true);
  });

  it('recognises an error answer and an answer with no bars', () => {
    const error = { chart: { result: null, error: { code: 'Not Found', description: 'No data found' } } };
    assert.equal(chartResponseSchema.safeParse(error).success, true);
    assert.equal(isPlainChartResponse(error), true);
    const empty = {
      chart: { result: [{ meta: { exchangeTimezoneName: 'UTC' }, indicators: { quote: [{}] } }], error: null },
    };
    assert.equal(chartResponseSchema.safeParse(empty).success, true);
    assert.equal(isPlainChartResponse(empty), true);
  });

  for (const [name, mutate] of MUTATIONS) {
    it(`leaves an answer with ${name} to the schema, which refuses it`, () => {
      const data = answer();
      mutate(data);
      assert.equal(chartResponseSchema.safeParse(data).success, false);
      assert.equal(isPlainChartResponse(data), false);
    });
  }

  it('never recognises a recorded chart response the schema refuses', () => {
    const dir = join(repoRoot(), 'test', 'fixtures', 'yahoo');
    let recognised = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      let data: unknown;
      try {
        data = JSON.parse(loadYahooFixture(file).body);
      } catch {
        continue;
      }
      const plain = isPlainChartResponse(data);
      if (plain) recognised++;
      if (plain) assert.equal(chartResponseSchema.safeParse(data).success, true, file);
    }
    assert.ok(recognised >= 3, `recognised ${recognised} recorded answers`);
  });
});
