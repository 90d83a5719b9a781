import type { FetchProgress } from './fetch-metrics.js';

export interface ProgressReporterOptions {
  /** Where progress goes; stderr, so that stdout stays the command's result (JSON with --json). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Redraw the bar at most this often on a terminal. */
  redrawMs?: number;
  /** Off a terminal: a log line at least this often... */
  logEveryMs?: number;
  /** ...or each time this many more percent are done. */
  logEveryPercent?: number;
  label?: string;
  now?: () => number;
}

/**
 * Shows a fetch run's progress: on a terminal one line redrawn in place at most ~10 times a second
 * (done/total, ok/failed, rate, ETA); in a log (CI, a pipe, a job) a plain line every few seconds or every
 * 10%, so the log neither floods nor goes silent.
 */
export class ProgressReporter {
  private readonly stream: NonNullable<ProgressReporterOptions['stream']>;
  private readonly tty: boolean;
  private readonly redrawMs: number;
  private readonly logEveryMs: number;
  private readonly logEveryPercent: number;
  private readonly label: string;
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lastLogPercent = 0;
  private drewLine = false;
  private last: FetchProgress | null = null;

  constructor(options: ProgressReporterOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.redrawMs = options.redrawMs ?? 100;
    this.logEveryMs = options.logEveryMs ?? 5_000;
    this.logEveryPercent = options.logEveryPercent ?? 10;
    this.label = options.label ?? 'fetch';
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  update(p: FetchProgress): void {
    this.last = p;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDrawAt < this.redrawMs && p.done < p.total) return;
      this.lastDrawAt = t;
      const width = Math.max(40, (this.stream.columns ?? 100) - 1);
      this.stream.write(`\r${this.format(p, t, true).slice(0, width).padEnd(width)}`);
      this.drewLine = true;
      return;
    }
    const percent = p.total > 0 ? (100 * p.done) / p.total : 100;
    const dueByTime = t - this.lastDrawAt >= this.logEveryMs;
    // The last ticker is always logged: a log must not end at 31/32 because the line before came less than 10% ago.
    const dueByPercent =
      percent - this.lastLogPercent >= this.logEveryPercent || (percent >= 100 && this.lastLogPercent < 100);
    if (!dueByTime && !dueByPercent) return;
    if (this.lastDrawAt === Number.NEGATIVE_INFINITY && !dueByPercent) {
      // The first log line waits for real progress or for the interval, not for the first ticker.
      this.lastDrawAt = t;
      return;
    }
    this.lastDrawAt = t;
    this.lastLogPercent = percent;
    this.stream.write(`${this.format(p, t, false)}\n`);
  }

  /** Ends the bar's line (a terminal) so that the summary starts on a fresh line. */
  finish(): void {
    if (this.tty && this.drewLine) {
      if (this.last) this.stream.write(`\r${this.format(this.last, this.now(), true)}`);
      this.stream.write('\n');
      this.drewLine = false;
    }
  }

  /** The progress text: "fetch [#####-----] 1200/2000 60% ok 1180 failed 3 skipped 17  412/s  ETA 2s". */
  format(p: FetchProgress, t: number, bar: boolean): string {
    const elapsed = Math.max(0.001, (t - this.startedAt) / 1000);
    const rate = p.done / elapsed;
    const left = p.total - p.done;
    const eta = rate > 0 ? left / rate : Number.NaN;
    const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    const parts = [this.label];
    if (bar) {
      const cells = 20;
      const filled = p.total > 0 ? Math.round((cells * p.done) / p.total) : cells;
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}]`);
    }
    parts.push(`${p.done}/${p.total} ${percent}%`);
    parts.push(`ok ${p.fetched} failed ${p.failed} skipped ${p.skipped}`);
    parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s`);
    if (left > 0) parts.push(`ETA ${formatSeconds(eta)}`);
    else parts.push(`in ${formatSeconds(elapsed)}`);
    return parts.join('  ');
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
