import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { BarSeries } from '../../domain/bar-series.js';
import { isoFromDay } from '../../domain/epoch-day.js';

export type BarExportFormat = 'csv' | 'json' | 'jsonl';

export const BAR_CSV_HEADER = 'symbol,date,open,high,low,close,adj_close,volume';

/**
 * Streams bars as rows (CSV, a JSON array or JSON lines), one ticker per write so memory stays flat,
 * waiting for the stream to drain. Numbers use String(x), the shortest text that reads back to the
 * same double; NaN is an empty CSV cell or JSON null. A reader that goes away (`| head`) ends the
 * export quietly instead of crashing it.
 */
export class BarRowWriter {
  /** True once the reader went away; later rows are dropped. */
  closed = false;
  private failure: Error | null = null;
  private rows = 0;
  private readonly isoCache = new Map<number, string>();

  constructor(
    private readonly out: Writable,
    private readonly format: BarExportFormat,
  ) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure = error;
    });
  }

  async begin(): Promise<void> {
    if (this.format === 'csv') await this.write(`${BAR_CSV_HEADER}\n`);
    if (this.format === 'json') await this.write('[');
  }

  async series(s: BarSeries): Promise<void> {
    const lines: string[] = [];
    const symbolJson = JSON.stringify(s.symbol);
    for (let i = 0; i < s.dates.length; i++) {
      const date = this.iso(s.dates[i]);
      if (this.format === 'csv') {
        lines.push(
          `${s.symbol},${date},${cell(s.open[i])},${cell(s.high[i])},${cell(s.low[i])},${cell(s.close[i])},${cell(s.adjClose[i])},${cell(s.volume[i])}\n`,
        );
      } else {
        const row =
          `{"symbol":${symbolJson},"date":"${date}","open":${json(s.open[i])},"high":${json(s.high[i])},` +
          `"low":${json(s.low[i])},"close":${json(s.close[i])},"adj_close":${json(s.adjClose[i])},"volume":${json(s.volume[i])}}`;
        lines.push(this.format === 'jsonl' ? `${row}\n` : `${this.rows + i === 0 ? '\n' : ',\n'}${row}`);
      }
    }
    this.rows += s.dates.length;
    await this.write(lines.join(''));
  }

  async end(): Promise<void> {
    if (this.format === 'json') await this.write(this.rows === 0 ? ']\n' : '\n]\n');
    if (this.failure) throw this.failure;
  }

  private async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed || text === '') return;
    if (this.out.write(text)) return;
    try {
      // once() also rejects when the stream errors, so a reader that went away cannot leave this waiting.
      await once(this.out, 'drain');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      this.closed = true;
    }
  }

  /** Dates repeat across every ticker, so each is formatted once. */
  private iso(day: number): string {
    let text = this.isoCache.get(day);
    if (text === undefined) {
      text = isoFromDay(day);
      this.isoCache.set(day, text);
    }
    return text;
  }
}

function cell(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

function json(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}
