import { mergeBarSeries } from '../domain/bar-series.js';
import { UnknownCsvHeaderError } from '../sources/csv/detect-csv-format.js';
import { FileReadError } from '../sources/csv/read-line-batches.js';
import { type PriceCsvBlock, type PriceCsvReject, readPriceCsv } from '../sources/csv/read-price-csv.js';
import { readSymbolTable, type SymbolTableRow } from '../sources/csv/read-symbol-table.js';
import { detectQualityFlags } from '../sources/quality/detect-quality-flags.js';
import type { QualityFlag, RejectRow, Store, TickerWrite } from '../store/store.js';
import { type ImportSummary, ImportTally } from './import-summary.js';
import { listPriceFiles } from './list-price-files.js';

export interface ImportFilesOptions {
  /** Source name the fetch state and rejects are kept under; default 'csv'. */
  source?: string;
  /** A Symbol,Name,Sector CSV (like the S&P 500 constituents list): names and sectors for the imported tickers. */
  sectorFile?: string;
  /** Bars per store transaction: tickers are written together until this many bars are pending; default 50,000. */
  batchBars?: number;
  /** The time recorded as the fetch attempt; default now. */
  now?: Date;
  /** Called before each file, for progress output. */
  onFile?(path: string, index: number, total: number): void;
  /** Called for each run of a ticker's rows that is stored. */
  onTicker?(symbol: string, bars: number): void;
}

const REJECT_BATCH = 1000;

/**
 * Imports price files (Kaggle, Yahoo, Stooq; plain or gzip; files or folders) into the store. Every ticker's
 * rows become one merge-write, so importing the same files again changes nothing. A bad row is rejected
 * with its file:line and reason and never stops the others; a file that cannot be read is listed in
 * `failedFiles` while every other file is still imported (see importExitCode).
 */
export async function importFiles(
  store: Store,
  paths: readonly string[],
  opts: ImportFilesOptions = {},
): Promise<ImportSummary> {
  const tally = new ImportTally();
  const source = opts.source ?? 'csv';
  const attemptedAt = opts.now ?? new Date();
  const batchBars = opts.batchBars ?? 50_000;
  const infos = opts.sectorFile ? new Map((await readSymbolTable(opts.sectorFile)).map((r) => [r.symbol, r])) : null;

  const { files, missing } = await listPriceFiles(paths);
  tally.failedFiles.push(...missing);
  tally.files = files.length + missing.length;

  let pending: TickerWrite[] = [];
  let pendingBars = 0;
  const flushWrites = async () => {
    if (pending.length === 0) return;
    const writes = pending;
    pending = [];
    pendingBars = 0;
    const results = await store.bars.writeTickers(writes);
    for (const r of results) {
      tally.barsAdded += r.barsAdded;
      tally.barsChanged += r.barsChanged;
    }
  };

  let rejects: RejectRow[] = [];
  const flushRejects = async () => {
    if (rejects.length === 0) return;
    const rows = rejects;
    rejects = [];
    await store.rejects.add(rows);
  };

  for (const [index, file] of files.entries()) {
    opts.onFile?.(file, index, files.length);
    // Flags of tickers already written from this file, for a ticker whose rows come back later in it.
    const fileFlags = new Map<string, QualityFlag[]>();
    const onReject = (r: PriceCsvReject) => {
      const location = `${file}:${r.line}`;
      const reason = `${r.code}: ${r.detail}`;
      tally.rejected(r.code, location, reason);
      rejects.push({ source, location, symbol: r.symbol, reason, raw: r.raw });
    };
    const handleBlock = async (block: PriceCsvBlock) => {
      let forFlags = block.series;
      if (block.reappeared) {
        // The earlier rows are in the store already; flag the ticker's rows as a whole, not this run alone.
        await flushWrites();
        const stored = await store.bars.read(block.symbol);
        if (stored) forFlags = mergeBarSeries(stored, block.series);
      }
      const flags = detectQualityFlags(forFlags);
      tally.flagged(block.symbol, flags, fileFlags.get(block.symbol));
      fileFlags.set(block.symbol, flags);
      tally.stored(block.symbol, block.series.dates);
      opts.onTicker?.(block.symbol, block.series.dates.length);
      pending.push({
        symbol: block.symbol,
        info: infoFor(infos?.get(block.symbol)),
        bars: block.series,
        mode: 'merge',
        fetch: { source, flags, attemptedAt },
      });
      pendingBars += block.series.dates.length;
      if (pendingBars >= batchBars) await flushWrites();
      if (rejects.length >= REJECT_BATCH) await flushRejects();
    };
    try {
      for await (const block of readPriceCsv(file, { onReject, onSkip: () => tally.rowsSkipped++ })) {
        await handleBlock(block);
      }
      tally.filesRead++;
    } catch (error) {
      if (!isFileProblem(error)) throw error;
      const message = (error as Error).message;
      tally.failedFiles.push({
        path: file,
        reason: message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message,
      });
    }
    await flushRejects();
  }
  await flushWrites();
  return tally.summary();
}

/** Problems of the file itself (as opposed to the store): the file is reported and the import goes on. */
function isFileProblem(error: unknown): boolean {
  if (error instanceof FileReadError || error instanceof UnknownCsvHeaderError) return true;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|Z_[A-Z_]+)$/.test(code);
}

function infoFor(row: SymbolTableRow | undefined): TickerWrite['info'] {
  if (!row) return undefined;
  return { name: row.name, sector: row.sector };
}
