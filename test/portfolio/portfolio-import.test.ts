import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { importPortfolioText } from '../../src/portfolio/import-portfolio-file.js';
import { parsePortfolioFile } from '../../src/portfolio/parse-portfolio-file.js';
import { PortfolioImportError } from '../../src/portfolio/portfolio-import-error.js';
import { makeTestStore, type TestStore } from '../support/make-test-store.js';

/** The shape of Ghostfolio's "Export activities" file (meta, accounts, activities with ISO instants). */
const GHOSTFOLIO = `{
  "meta": { "date": "2024-03-01T10:00:00.000Z", "version": "2.50.0" },
  "accounts": [{ "id": "a1", "name": "Broker", "currency": "USD" }],
  "activities": [
    {
      "accountId": "a1", "comment": null, "fee": 1.5, "quantity": 10, "type": "BUY", "unitPrice": 185.64,
      "currency": "USD", "dataSource": "YAHOO", "date": "2024-01-02T00:00:00.000Z", "symbol": "AAPL"
    },
    {
      "accountId": "a1", "comment": null, "fee": 0, "quantity": 5, "type": "BUY", "unitPrice": 172.3,
      "currency": "EUR", "dataSource": "YAHOO", "date": "2024-01-02T23:00:00.000Z", "symbol": "SAP.DE"
    },
    {
      "accountId": "a1", "comment": "account fee", "fee": 9, "quantity": 0, "type": "FEE", "unitPrice": 0,
      "currency": "USD", "dataSource": "MANUAL", "date": "2024-01-05T00:00:00.000Z", "symbol": "Account fee"
    },
    {
      "accountId": "a1", "comment": null, "fee": 0, "quantity": 10, "type": "DIVIDEND", "unitPrice": 0.24,
      "currency": "USD", "dataSource": "YAHOO", "date": "2024-02-15T00:00:00.000Z", "symbol": "AAPL"
    }
  ]
}`;

describe('portfolio import', () => {
  it('reads a holdings CSV, taking the cost basis as the total paid', () => {
    const parsed = parsePortfolioFile(
      'Symbol,Shares,Cost Basis,Date\nAAPL,10,1856.40,2024-01-02\nbrk-b,2,700,2024-01-03\n',
      'h.csv',
    );
    assert.equal(parsed.format, 'holdings');
    assert.deepEqual(
      parsed.transactions.map((t) => [t.symbol, t.type, t.quantity, t.price, t.currency]),
      [
        ['AAPL', 'buy', 10, 1856.4 / 10, 'USD'],
        ['BRK.B', 'buy', 2, 350, 'USD'],
      ],
    );
  });

  it('reads a transactions CSV with quoted fields and sorts it by date, keeping a day in file order', () => {
    const parsed = parsePortfolioFile(
      'date,symbol,type,quantity,price,fees,currency\n' +
        '2024-02-01,AAPL,sell,4,"190.10",1,USD\n' +
        '2024-01-02,AAPL,buy,10,185.64,1,USD\n' +
        '2024-01-02,MSFT,buy,"1,000",370,0,USD\n',
      't.csv',
    );
    assert.equal(parsed.format, 'transactions');
    assert.deepEqual(
      parsed.transactions.map((t) => [t.symbol, t.type, t.quantity]),
      [
        ['AAPL', 'buy', 10],
        ['MSFT', 'buy', 1000],
        ['AAPL', 'sell', 4],
      ],
    );
  });

  it('reads a Ghostfolio activity export: local midnight instants to dates, FEE rows skipped', () => {
    const parsed = parsePortfolioFile(GHOSTFOLIO, 'export.json');
    assert.equal(parsed.format, 'ghostfolio');
    assert.deepEqual(
      parsed.transactions.map((t) => [t.date, t.symbol, t.type, t.quantity, t.price, t.fees, t.currency]),
      [
        [dayFromIso('2024-01-02'), 'AAPL', 'buy', 10, 185.64, 1.5, 'USD'],
        // 23:00 UTC is midnight of the next day in Central Europe: the trade's date is 3 January.
        [dayFromIso('2024-01-03'), 'SAP.DE', 'buy', 5, 172.3, 0, 'EUR'],
        [dayFromIso('2024-02-15'), 'AAPL', 'dividend', 10, 0.24, 0, 'USD'],
      ],
    );
    assert.deepEqual(parsed.skipped, [{ location: 'export.json:13', reason: 'FEE activities hold no shares' }]);
  });

  it('names every bad row by file:line with the value and what was expected', () => {
    const text =
      'date,symbol,type,quantity,price\n' +
      '2024-13-01,AAPL,buy,10,185\n' +
      '2024-01-02,AAPL,purchase,10,185\n' +
      '2024-01-02,AAPL,buy,-3,185\n' +
      '2024-01-02,A A,buy,1,abc\n';
    assert.throws(
      () => parsePortfolioFile(text, 'bad.csv'),
      (e: unknown) => {
        assert.ok(e instanceof PortfolioImportError);
        assert.deepEqual(
          e.problems.map((p) => [p.location, p.field, p.value]),
          [
            ['bad.csv:2', 'date', '2024-13-01'],
            ['bad.csv:3', 'type', 'purchase'],
            ['bad.csv:4', 'quantity', '-3'],
            ['bad.csv:5', 'symbol', 'A A'],
            ['bad.csv:5', 'price', 'abc'],
          ],
        );
        assert.match(e.message, /bad\.csv:2: date "2024-13-01": expected a date as YYYY-MM-DD/);
        return true;
      },
    );
  });

  it('refuses a sale of more shares than were held on its date', () => {
    const text =
      '[\n{"date":"2024-01-02","symbol":"AAPL","type":"buy","quantity":5,"price":1},\n' +
      '{"date":"2024-01-03","symbol":"AAPL","type":"sell","quantity":6,"price":1}\n]';
    assert.throws(
      () => parsePortfolioFile(text, 'j.json'),
      /j\.json:3: quantity sold of AAPL "6": expected at most the 5 shares/,
    );
  });

  it('names the missing header fields', () => {
    assert.throws(
      () => parsePortfolioFile('ticker,amount\nAAPL,3\n', 'x.csv'),
      /x\.csv:1: header .*date, shares \(or quantity\)/,
    );
  });

  it("refuses holdings without a date, quoting the file's own header and saying date is required", () => {
    assert.throws(
      () => parsePortfolioFile('Symbol,Shares,Cost_Basis\nAAPL,3,450\n', 'h.csv'),
      (e: unknown) => {
        assert.ok(e instanceof PortfolioImportError);
        assert.match(e.message, /h\.csv:1: header "Symbol,Shares,Cost_Basis": expected the column\(s\) date \(/);
        assert.match(e.message, /and date, the day bought/);
        return true;
      },
    );
  });

  it('counts bad rows, not problems, and names fields as the file writes them', () => {
    const text = 'symbol,shares,cost_basis,date\nAAPL,x,abc,2024-01-02\nMSFT,-1,450,2024-01-02\n';
    assert.throws(
      () => parsePortfolioFile(text, 'h.csv'),
      (e: unknown) => {
        assert.ok(e instanceof PortfolioImportError);
        assert.match(e.message, /^h\.csv: 2 bad row\(s\), nothing imported/);
        assert.equal(e.problems.length, 3);
        assert.ok(
          e.problems.some((p) => p.field === 'cost_basis'),
          JSON.stringify(e.problems),
        );
        assert.ok(
          e.problems.some((p) => p.field === 'shares'),
          JSON.stringify(e.problems),
        );
        return true;
      },
    );
  });

  describe('into the store', () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await makeTestStore();
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('stores named portfolios, an import of the same file changing nothing', async () => {
      await importPortfolioText(t.store, GHOSTFOLIO, 'export.json', { name: 'ghost' });
      const again = await importPortfolioText(t.store, GHOSTFOLIO, 'export.json', { name: 'ghost' });
      await importPortfolioText(t.store, 'symbol,shares,cost_basis,date\nXOM,3,300,2024-01-02\n', 'h.csv', {
        name: 'second',
      });
      assert.deepEqual(again.symbols, ['AAPL', 'SAP.DE']);
      assert.deepEqual(
        (await t.store.portfolios.list()).map((p) => [p.name, p.transactions]),
        [
          ['ghost', 3],
          ['second', 1],
        ],
      );
    });

    it('stores nothing when a row is bad', async () => {
      await assert.rejects(
        importPortfolioText(t.store, 'symbol,shares,cost_basis,date\nXOM,x,300,2024-01-02\n', 'h.csv'),
        PortfolioImportError,
      );
      assert.deepEqual(await t.store.portfolios.list(), []);
    });
  });
});
