import { createHash, type Hash } from 'node:crypto';
import { encodeBarChunk } from './bar-codec.js';
import type { Store } from './store.js';

/** One part of a store: how many items it holds and a SHA-256 over all of them in a fixed order. */
export interface SectionChecksum {
  count: number;
  sha256: string;
}

/**
 * The parts of a store that a copy carries over (the data of record; analysis results and dashboard
 * payloads are derived from it). Instants a copy cannot carry through the Store port (when a reject or a
 * job run was first recorded) are left out of the sums.
 */
export const COPIED_SECTIONS = [
  'tickers',
  'bars',
  'fetchState',
  'quotes',
  'universes',
  'portfolios',
  'reports',
  'rejects',
  'jobRuns',
] as const;
export type CopiedSection = (typeof COPIED_SECTIONS)[number];

/**
 * Counts and checksums of every copied section, read through the Store port alone, so a SQLite file and a
 * PostgreSQL database holding the same market give the same figures. Bars are summed as each ticker's
 * whole series in the columnar chunk layout (every bit of every price, NaN included) with its events.
 */
export async function storeChecksums(store: Store): Promise<Record<CopiedSection, SectionChecksum>> {
  const out = {} as Record<CopiedSection, SectionChecksum>;
  const sum = async (name: CopiedSection, fill: (add: (item: unknown) => void, hash: Hash) => Promise<void>) => {
    const hash = createHash('sha256');
    let count = 0;
    await fill((item) => {
      count++;
      hash.update(JSON.stringify(item));
      hash.update('\n');
    }, hash);
    out[name] = { count, sha256: hash.digest('hex') };
  };
  await sum('tickers', async (add) => {
    for (const t of await store.tickers.list()) add(t);
  });
  await sum('bars', async (add, hash) => {
    for await (const s of store.bars.readAll()) {
      add([s.symbol, s.dates.length, await store.bars.dividends(s.symbol), await store.bars.splits(s.symbol)]);
      hash.update(encodeBarChunk(s));
    }
  });
  await sum('fetchState', async (add) => {
    for (const f of await store.fetchState.list()) add(f);
  });
  await sum('quotes', async (add) => {
    for (const q of await store.quotes.list()) add(q);
  });
  await sum('universes', async (add) => {
    for (const u of await store.universes.list()) add([u, await store.universes.get(u.name)]);
  });
  await sum('portfolios', async (add) => {
    for (const p of await store.portfolios.list()) {
      const full = await store.portfolios.get(p.name);
      add([p.name, p.baseCurrency, p.source, full?.transactions]);
    }
  });
  await sum('reports', async (add) => {
    for (const latest of await store.reports.latest()) {
      for (const r of await store.reports.forSymbol(latest.symbol, Number.MAX_SAFE_INTEGER)) add(r);
    }
  });
  await sum('rejects', async (add) => {
    const rows = await store.rejects.list(Number.MAX_SAFE_INTEGER);
    for (const { id: _id, createdAt: _at, ...r } of rows.reverse()) add(r);
  });
  await sum('jobRuns', async (add) => {
    const runs = (await store.jobRuns.list()).filter((r) => r.kind !== MIGRATE_JOB_KIND);
    // With its creation time: a migrated run keeps it (copyStore passes it on).
    for (const r of runs.reverse()) add(r);
  });
  return out;
}

/** The kind of the job run a copy keeps its progress in (in the target): not part of the copied history. */
export const MIGRATE_JOB_KIND = 'migrate';
