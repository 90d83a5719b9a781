import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePortfolioFile } from '../../src/portfolio/parse-portfolio-file.js';
import { PortfolioImportError } from '../../src/portfolio/portfolio-import-error.js';
import { UnknownCsvHeaderError } from '../../src/sources/csv/detect-csv-format.js';
import { FileReadError } from '../../src/sources/csv/read-line-batches.js';
import { readPriceCsv } from '../../src/sources/csv/read-price-csv.js';
import { startTestServer, type TestServer } from '../server/server-test-kit.js';
import { fuzzApi, HOSTILE_TEXT } from '../support/fuzz-api.js';

// The bench (`npm run bench -- reliability`) sends 10,000 fuzzed requests; the tests a few hundred.
describe('hostile input, property-based', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    t = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-fuzz-'));
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API answers every fuzzed path, query and body without a 5xx, and as JSON', { timeout: 300_000 }, async () => {
    const r = await fuzzApi(t.base, 400, 15);
    assert.equal(r.requests, 400);
    assert.deepEqual(r.serverErrors, []);
    assert.deepEqual(r.notJson, []);
  });

  const cells = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ maxLength: 20 }), fc.double().map(String));
  const csvText = fc
    .tuple(
      fc.constantFrom(
        'Date,Open,High,Low,Close,Adj Close,Volume',
        'date,open,high,low,close,volume,Name',
        'Symbol,Shares',
        '',
      ),
      fc.array(
        fc.array(cells, { maxLength: 8 }).map((r) => r.join(',')),
        { maxLength: 12 },
      ),
    )
    .map(([header, rows]) => [header, ...rows].join('\n'));

  it('the CSV importer rejects rows or refuses the file, never crashes', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const file = join(dir, `f${n++}.csv`);
        writeFileSync(file, text);
        try {
          for await (const block of readPriceCsv(file, { onReject: () => {} })) {
            assert.ok(block.series.dates.length > 0);
          }
        } catch (error) {
          assert.ok(error instanceof UnknownCsvHeaderError || error instanceof FileReadError, String(error));
        }
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('the portfolio importer accepts a file or names its bad rows, never crashes', () => {
    const portfolioText = fc.oneof(
      csvText,
      fc.json(),
      fc
        .array(fc.record({ date: cells, symbol: cells, type: cells, quantity: cells, price: cells }), { maxLength: 5 })
        .map((rows) => JSON.stringify(rows)),
    );
    fc.assert(
      fc.property(portfolioText, fc.constantFrom(...HOSTILE_TEXT, 'p.csv', 'p.json'), (text, fileName) => {
        try {
          parsePortfolioFile(text, fileName);
        } catch (error) {
          // A clear refusal names the file; a bug surfaces as a TypeError or RangeError of its own.
          assert.ok(error instanceof PortfolioImportError || isRefusal(error, fileName), String(error));
        }
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});

function isRefusal(error: unknown, fileName: string): boolean {
  return (
    error instanceof Error &&
    !(error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError) &&
    error.message.startsWith(`${fileName}:`)
  );
}
