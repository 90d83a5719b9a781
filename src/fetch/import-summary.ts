import { isoFromDay } from '../domain/epoch-day.js';
import type { QualityFlag, QualityFlagKind } from '../store/store.js';

/** What an import did, printed by `marketdeck import` (and as JSON with --json). */
export interface ImportSummary {
  /** Files found and attempted. */
  files: number;
  /** Files read to their end. */
  filesRead: number;
  /** Files (or given paths) that could not be read, with why; their readable rows before a cut are kept. */
  failedFiles: { path: string; reason: string }[];
  tickers: number;
  rowsStored: number;
  rowsRejected: number;
  /** Rows left out on purpose (Stooq bulk intraday rows). */
  rowsSkipped: number;
  /** Of the stored rows: dates new to the store, and stored dates whose values changed (0 and 0 on a re-import). */
  barsAdded: number;
  barsChanged: number;
  rejectsByReason: Record<string, number>;
  rejectExamples: { location: string; reason: string }[];
  flags: {
    total: number;
    byKind: Partial<Record<QualityFlagKind, number>>;
    examples: { symbol: string; kind: QualityFlagKind; date: string | null; detail: string }[];
  };
  dateRange: { from: string | null; to: string | null };
  seconds: number;
}

const EXAMPLES_PER_KIND = 3;
const REJECT_EXAMPLES = 10;

/** Accumulates the summary while files are read. */
export class ImportTally {
  readonly failedFiles: { path: string; reason: string }[] = [];
  files = 0;
  filesRead = 0;
  rowsStored = 0;
  rowsRejected = 0;
  rowsSkipped = 0;
  barsAdded = 0;
  barsChanged = 0;
  private readonly tickers = new Set<string>();
  private readonly rejectsByReason: Record<string, number> = {};
  private readonly rejectExamples: { location: string; reason: string }[] = [];
  private readonly flagCounts: Partial<Record<QualityFlagKind, number>> = {};
  private readonly flagExamples: ImportSummary['flags']['examples'] = [];
  private flagTotal = 0;
  private from = Number.POSITIVE_INFINITY;
  private to = Number.NEGATIVE_INFINITY;
  private readonly started = performance.now();

  stored(symbol: string, dates: Int32Array): void {
    this.tickers.add(symbol);
    this.rowsStored += dates.length;
    if (dates.length > 0) {
      this.from = Math.min(this.from, dates[0]);
      this.to = Math.max(this.to, dates[dates.length - 1]);
    }
  }

  rejected(code: string, location: string, reason: string): void {
    this.rowsRejected++;
    this.rejectsByReason[code] = (this.rejectsByReason[code] ?? 0) + 1;
    if (this.rejectExamples.length < REJECT_EXAMPLES) this.rejectExamples.push({ location, reason });
  }

  /** Counts a ticker's flags; a ticker seen again in the same file is counted once, with its latest flags. */
  flagged(symbol: string, flags: readonly QualityFlag[], previous: readonly QualityFlag[] = []): void {
    for (const f of previous) {
      this.flagTotal--;
      this.flagCounts[f.kind] = (this.flagCounts[f.kind] ?? 1) - 1;
    }
    for (const f of flags) {
      this.flagTotal++;
      const n = (this.flagCounts[f.kind] = (this.flagCounts[f.kind] ?? 0) + 1);
      if (n <= EXAMPLES_PER_KIND && previous.length === 0) {
        this.flagExamples.push({
          symbol,
          kind: f.kind,
          date: f.date == null ? null : isoFromDay(f.date),
          detail: f.detail,
        });
      }
    }
  }

  summary(): ImportSummary {
    const has = this.to >= this.from;
    return {
      files: this.files,
      filesRead: this.filesRead,
      failedFiles: this.failedFiles,
      tickers: this.tickers.size,
      rowsStored: this.rowsStored,
      rowsRejected: this.rowsRejected,
      rowsSkipped: this.rowsSkipped,
      barsAdded: this.barsAdded,
      barsChanged: this.barsChanged,
      rejectsByReason: { ...this.rejectsByReason },
      rejectExamples: [...this.rejectExamples],
      flags: { total: this.flagTotal, byKind: { ...this.flagCounts }, examples: [...this.flagExamples] },
      dateRange: { from: has ? isoFromDay(this.from) : null, to: has ? isoFromDay(this.to) : null },
      seconds: Math.round(performance.now() - this.started) / 1000,
    };
  }
}

/** The command's exit code: rejected rows are reported, not failures; an unreadable file is a partial failure (3). */
export function importExitCode(summary: ImportSummary): 0 | 3 {
  return summary.failedFiles.length > 0 ? 3 : 0;
}
