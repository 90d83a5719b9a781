import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import type { Store } from '../../src/store/store.js';
import { resolveUniverse } from '../../src/universe/resolve-universe.js';
import { listUniverses, UniverseError, UnknownUniverseError } from '../../src/universe/universe-registry.js';
import { makeTestStore } from '../support/make-test-store.js';

function oneBar(symbol: string) {
  return barSeriesFromBars(symbol, [
    { date: dayFromIso('2018-02-07'), open: 1, high: 1, low: 1, close: 1, adjClose: 1, volume: 1 },
  ]);
}

describe('resolveUniverse', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let dir: string;

  before(async () => {
    ({ store, dispose } = await makeTestStore());
    await store.bars.writeTickers([
      { symbol: 'MSFT', bars: oneBar('MSFT'), info: { sector: 'Information Technology' } },
      { symbol: 'AAPL', bars: oneBar('AAPL') },
    ]);
    await store.tickers.upsert([{ symbol: 'NOBARS', name: 'listed but never fetched' }]);
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-universe-'));
  });

  after(async () => {
    await dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to cached: every ticker with bars, sorted, with stored sectors', async () => {
    const u = await resolveUniverse(undefined, { store });
    assert.equal(u.name, 'cached');
    assert.deepEqual(u.symbols, ['AAPL', 'MSFT']);
    assert.deepEqual((await resolveUniverse('', { store })).symbols, ['AAPL', 'MSFT']);
  });

  it('sp500 is the shipped 2026 list of 503 with a sector, an industry and a name for each', async () => {
    const u = await resolveUniverse('sp500', { store });
    assert.equal(u.symbols.length, 503);
    assert.ok(u.symbols.includes('BRK.B'));
    assert.equal(u.sectors?.get('XOM'), 'Energy');
    assert.equal(u.sectors?.size, 503);
    assert.equal(u.industries?.get('AAPL'), 'Technology Hardware, Storage & Peripherals');
    assert.equal(u.names?.get('MMM'), '3M');
  });

  it('sample lists the bundled tickers even before the sample is imported, with sectors', async () => {
    const u = await resolveUniverse('sample', { store });
    assert.equal(u.symbols.length, 107);
    assert.ok(u.symbols.includes('DISCA'));
    assert.equal(u.sectors?.get('LNT'), 'Utilities');
    await store.universes.set('sample', [{ symbol: 'AAPL' }], 'test');
    assert.deepEqual((await resolveUniverse('sample', { store })).symbols, ['AAPL']);
  });

  it('file:PATH reads one symbol a line (comments and blanks skipped) or a CSV with a Symbol column', async () => {
    const plain = join(dir, 'list.txt');
    writeFileSync(plain, '# my picks\naapl\n\nbrk-b\nMSFT\naapl\n');
    assert.deepEqual((await resolveUniverse(`file:${plain}`, { store })).symbols, ['AAPL', 'BRK.B', 'MSFT']);
    const csv = join(dir, 'list.csv');
    writeFileSync(csv, 'Name,Symbol,GICS Sector\n"Apple, Inc.",AAPL,Information Technology\nExxon,XOM,Energy\n');
    const u = await resolveUniverse(`file:${csv}`, { store });
    assert.deepEqual(u.symbols, ['AAPL', 'XOM']);
    assert.equal(u.sectors?.get('XOM'), 'Energy');
  });

  it('names file and line of a bad symbol, and a file without a Symbol column', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'AAPL\nMSFT\nNOT A SYMBOL\n');
    await assert.rejects(
      resolveUniverse(`file:${bad}`, { store }),
      (e: unknown) =>
        // The line is named, its content never quoted: a file named by mistake may hold secrets.
        e instanceof UniverseError &&
        e.message.startsWith(`${bad}:3: not a ticker symbol (12 characters)`) &&
        !e.message.includes('NOT A SYMBOL'),
    );
    const noColumn = join(dir, 'nocol.csv');
    writeFileSync(noColumn, 'Company,Weight\nApple,5\n');
    await assert.rejects(resolveUniverse(`file:${noColumn}`, { store }), /nocol\.csv:1: no Symbol column/);
    await assert.rejects(resolveUniverse(`file:${join(dir, 'missing.txt')}`, { store }), /missing\.txt: no such file/);
    await assert.rejects(resolveUniverse('file:', { store }), /needs a value: file:PATH/);
  });

  it('explicit tickers win over the spec, normalised and de-duplicated', async () => {
    const u = await resolveUniverse('sp500', { store, tickers: 'aapl, BRK-B,aapl' });
    assert.equal(u.name, 'tickers');
    assert.deepEqual(u.symbols, ['AAPL', 'BRK.B']);
    assert.deepEqual((await resolveUniverse(undefined, { store, tickers: ['msft'] })).symbols, ['MSFT']);
    await assert.rejects(
      resolveUniverse(undefined, { store, tickers: 'AAPL,<x>' }),
      /--tickers: ticker symbol "<x>" is not valid/,
    );
    await assert.rejects(resolveUniverse(undefined, { store, tickers: ' , ' }), /--tickers is empty/);
  });

  it('maxStocks keeps the first N and refuses nonsense', async () => {
    const u = await resolveUniverse('sp500', { store, maxStocks: 3 });
    assert.equal(u.symbols.length, 3);
    assert.match(u.description, /first 3/);
    await assert.rejects(resolveUniverse('sp500', { store, maxStocks: 0 }), UniverseError);
  });

  it('an unknown universe names the value and lists the allowed ones', async () => {
    await assert.rejects(
      resolveUniverse('russell2000', { store }),
      (e: unknown) =>
        e instanceof UnknownUniverseError &&
        e.message.startsWith('unknown universe "russell2000"; expected one of: cached, sp500, sample, file:PATH'),
    );
    await assert.rejects(resolveUniverse('cached:x', { store }), /takes no value/);
    const names = listUniverses().map((u) => u.name);
    for (const n of ['cached', 'sp500', 'sample', 'file']) assert.ok(names.includes(n), n);
  });
});
