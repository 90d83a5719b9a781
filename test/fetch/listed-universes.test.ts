import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { toYahooSymbol } from '../../src/domain/symbol.js';
import type { Store } from '../../src/store/store.js';
import { canonicalActSymbol, readListingFiles } from '../../src/universe/read-listing-files.js';
import { resolveUniverse } from '../../src/universe/resolve-universe.js';

/** test/fixtures/listings, whether this file runs from test/fetch (tsx) or dist/test/fetch (built). */
function fixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'test', 'fixtures', 'listings');
}
const noStore = {} as Store;

describe('readListingFiles', () => {
  const listed = readListingFiles(fixtureDir());
  const bySymbol = new Map(listed.map((s) => [s.symbol, s]));

  it('leaves test issues out', () => {
    for (const s of ['ZAZZT', 'ZXYZ.A', 'ZTST']) assert.equal(bySymbol.has(s), false, s);
  });

  it('keeps ETFs and marks them', () => {
    assert.equal(bySymbol.get('SPY')?.etf, true);
    assert.equal(bySymbol.get('AAAP')?.etf, true);
    assert.equal(bySymbol.get('AAPL')?.etf, false);
  });

  it('lists a security repeated across files once, with the richer row', () => {
    assert.equal(listed.filter((s) => s.symbol === 'A').length, 1);
    assert.equal(bySymbol.get('A')?.exchange, 'N');
    assert.equal(new Set(listed.map((s) => s.symbol)).size, listed.length);
  });

  it('spells preferreds and warrants the way Yahoo finds them', () => {
    assert.equal(toYahooSymbol(bySymbol.get('ABR.PD')?.symbol ?? ''), 'ABR-PD');
    assert.equal(toYahooSymbol(bySymbol.get('ACHR.WT')?.symbol ?? ''), 'ACHR-WT');
    assert.equal(toYahooSymbol(bySymbol.get('BF.B')?.symbol ?? ''), 'BF-B');
    assert.equal(toYahooSymbol(bySymbol.get('AAC.U')?.symbol ?? ''), 'AAC-U');
    assert.ok(bySymbol.has('ACP-PA'), 'a preferred series A must not become ACP.PA, which is a Paris listing');
  });

  it('leaves when-issued lines and the file footer out', () => {
    assert.equal(bySymbol.has('MKC.V'), false);
    assert.equal(
      listed.some((s) => s.symbol.startsWith('FILE')),
      false,
    );
  });

  it('converts single ACT symbols', () => {
    assert.equal(canonicalActSymbol('DCOM$'), 'DCOM.P');
    assert.equal(canonicalActSymbol(''), null);
  });
});

describe('shipped universes', () => {
  it('resolves nasdaq100 to 101 listed symbols including both Alphabet classes', async () => {
    const u = await resolveUniverse('nasdaq100', { store: noStore });
    assert.equal(u.symbols.length, 101);
    assert.ok(u.symbols.includes('GOOG') && u.symbols.includes('GOOGL'));
  });

  it('resolves dow30 to 30 symbols', async () => {
    const u = await resolveUniverse('dow30', { store: noStore });
    assert.equal(u.symbols.length, 30);
    assert.ok(u.symbols.includes('NVDA'));
  });

  it('resolves international to foreign listings in Yahoo form', async () => {
    const u = await resolveUniverse('international', { store: noStore });
    assert.ok(u.symbols.length >= 50);
    for (const s of ['OCDO.L', 'WSU.DE', 'SAP.DE', '7203.T', '0700.HK', 'NESN.SW']) assert.ok(u.symbols.includes(s), s);
    for (const s of u.symbols) assert.equal(toYahooSymbol(s), s, `${s} is sent to Yahoo as is`);
  });

  it('resolves all-listed to every US security once, ETFs marked, none sent to a foreign exchange', async () => {
    const u = await resolveUniverse('all-listed', { store: noStore });
    assert.ok(u.symbols.length > 12_000, `${u.symbols.length} symbols`);
    assert.equal(new Set(u.symbols).size, u.symbols.length);
    assert.equal(u.types?.get('SPY'), 'ETF');
    assert.equal(u.types?.get('AAPL'), undefined);
    assert.deepEqual(
      u.symbols.filter((s) => toYahooSymbol(s).includes('.')),
      [],
    );
  });

  it('applies --max-stocks to a shipped universe', async () => {
    const u = await resolveUniverse('dow30', { store: noStore, maxStocks: 5 });
    assert.deepEqual(u.symbols, ['AAPL', 'AMGN', 'AMZN', 'AXP', 'BA']);
  });
});
