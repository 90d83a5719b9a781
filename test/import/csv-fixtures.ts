import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dayFromIso, isoFromDay } from '../../src/domain/epoch-day.js';
import { type PriceCsvBlock, type PriceCsvReject, readPriceCsv } from '../../src/sources/csv/read-price-csv.js';
import type { QualityFlag, QualityFlagKind, Store } from '../../src/store/store.js';

/** The repository root, found from this file whether it runs from test/ (tsx) or dist/test/ (build). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

/** A file under test/fixtures/csv (see test/fixtures/README.md for where each comes from). */
export function csvFixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'csv', ...parts);
}

/** Reads a file completely, collecting blocks and rejects (for parser tests without a store). */
export async function readAll(
  path: string,
): Promise<{ blocks: PriceCsvBlock[]; rejects: PriceCsvReject[]; skipped: number }> {
  const blocks: PriceCsvBlock[] = [];
  const rejects: PriceCsvReject[] = [];
  let skipped = 0;
  for await (const b of readPriceCsv(path, { onReject: (r) => rejects.push(r), onSkip: () => skipped++ }))
    blocks.push(b);
  return { blocks, rejects, skipped };
}

export const day = dayFromIso;

/** The flags stored for a ticker by an import (source 'csv'). */
export async function storedFlags(store: Store, symbol: string, source = 'csv'): Promise<QualityFlag[]> {
  return (await store.fetchState.get(symbol, source))?.flags ?? [];
}

/** Dates (ISO) of a ticker's stored flags of one kind. */
export async function flagDates(store: Store, symbol: string, kind: QualityFlagKind): Promise<string[]> {
  return (await storedFlags(store, symbol))
    .filter((f) => f.kind === kind)
    .map((f) => (f.date == null ? '' : isoFromDay(f.date)));
}

/** Data rows of a CSV fixture (lines after the header that are not blank). */
export function dataRowCount(text: string): number {
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '').length;
}
