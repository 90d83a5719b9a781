import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FetchedBody, validateBody } from '../../src/sources/fetch-body.js';
import { SourceError } from '../../src/sources/source.js';
import { chartResponseSchema } from '../../src/sources/yahoo/yahoo-chart-schema.js';

/** A valid three-bar answer; each test breaks one part of it. */
function answer(): { chart: { result: Record<string, unknown>[]; error: null } } {
  return {
    chart: {
      result: [
        {
          meta: { symbol: 'X', exchangeTimezoneName: 'America/New_York' },
          timestamp: [1704205800, 1704292200, 1704378600],
          indicators: {
            quote: [{ open: [1, null, 3], high: [1, 2, 3], low: [1, 2, 3], close: [1, 2, null], volume: [10, 20, 30] }],
            adjclose: [{ adjclose: [1, 2, null] }],
          },
        },
      ],
      error: null,
    },
  };
}

const response: FetchedBody = {
  url: 'http://127.0.0.1/v8/finance/chart/X',
  status: 200,
  headers: { get: () => null },
  body: '{}',
};

function message(data: unknown): string {
  try {
    validateBody(chartResponseSchema, data, response, 'Yahoo chart for X');
  } catch (error) {
    assert.ok(error instanceof SourceError);
    assert.equal(error.kind, 'malformed');
    return error.message;
  }
  assert.fail('expected the answer to be refused');
}

describe('chart response schema (columns checked by a loop)', () => {
  it('accepts nulls in price columns and returns the very arrays it was given', () => {
    const data = answer();
    const parsed = chartResponseSchema.parse(data);
    const quote = parsed.chart.result?.[0].indicators.quote[0];
    assert.equal(quote?.close, (data.chart.result[0].indicators as { quote: { close: unknown }[] }).quote[0].close);
    assert.deepEqual(quote?.open, [1, null, 3]);
  });

  it('names the element of a price column that is not a number or null', () => {
    const data = answer();
    (data.chart.result[0].indicators as { quote: { close: unknown[] }[] }).quote[0].close[1] = '2.5';
    assert.match(
      message(data),
      /at chart\.result\[0\]\.indicators\.quote\[0\]\.close\[1\]: Invalid input: expected number, received string$/,
    );
  });

  it('refuses a null timestamp, which only price columns may hold', () => {
    const data = answer();
    (data.chart.result[0].timestamp as unknown[])[2] = null;
    assert.match(
      message(data),
      /at chart\.result\[0\]\.timestamp\[2\]: Invalid input: expected number, received null$/,
    );
  });

  it('names a column that is not an array', () => {
    const data = answer();
    (data.chart.result[0].indicators as { adjclose: { adjclose: unknown }[] }).adjclose[0].adjclose = { 0: 1 };
    assert.match(
      message(data),
      /at chart\.result\[0\]\.indicators\.adjclose\[0\]\.adjclose: Invalid input: expected array, received object$/,
    );
  });

  it('reports the first bad element and counts the others', () => {
    const data = answer();
    const volume = (data.chart.result[0].indicators as { quote: { volume: unknown[] }[] }).quote[0].volume;
    volume[0] = true;
    volume[2] = [30];
    assert.match(
      message(data),
      /quote\[0\]\.volume\[0\]: Invalid input: expected number, received boolean \(and 1 more issue\(s\)\)$/,
    );
  });

  it('still checks the envelope: a missing exchange zone is named', () => {
    const data = answer();
    delete (data.chart.result[0].meta as { exchangeTimezoneName?: string }).exchangeTimezoneName;
    assert.match(message(data), /at chart\.result\[0\]\.meta\.exchangeTimezoneName: /);
  });
});
