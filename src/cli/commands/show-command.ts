import type { Command } from 'commander';
import { sliceBarSeries } from '../../domain/bar-series.js';
import { isoFromDay } from '../../domain/epoch-day.js';
import { normalizeSymbol } from '../../domain/symbol.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseDayOption } from './parse-options.js';

interface ShowOptions {
  from?: string;
  to?: string;
  json?: boolean;
  indicators?: string;
}

export function registerShowCommand(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description("print one ticker's bars, dividends and splits (columnar JSON with --json)")
    .argument('<symbol>', 'ticker symbol, e.g. AAPL or BRK.B')
    .option('--from <date>', 'first date, YYYY-MM-DD')
    .option('--to <date>', 'last date, YYYY-MM-DD')
    .option('--indicators <list>', 'comma-separated indicator arrays to add (or "all"); see --help of analyze')
    .option('--json', 'print columnar JSON')
    .action(async (rawSymbol: string, opts: ShowOptions) => {
      let symbol: string;
      try {
        symbol = normalizeSymbol(rawSymbol);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const from = parseDayOption('--from', opts.from);
      const to = parseDayOption('--to', opts.to);
      if (from !== undefined && to !== undefined && from > to) {
        throw new UsageError(`--from ${opts.from} is after --to ${opts.to}`);
      }
      const store = await ctx.store();
      const full = await store.bars.read(symbol);
      if (!full) {
        process.stderr.write(`marketdeck: no bars stored for ticker "${symbol}" (see \`marketdeck status\`)\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      const [dividends, splits] = await Promise.all([
        store.bars.dividends(symbol, { from, to }),
        store.bars.splits(symbol, { from, to }),
      ]);
      const bars = sliceBarSeries(full, from, to);
      const offset = bars.dates.length > 0 ? full.dates.indexOf(bars.dates[0]) : 0;
      const extra: Record<string, (number | null)[]> = {};
      if (opts.indicators) {
        const { indicatorArrays } = await import('../../analysis/indicator-arrays.js');
        let arrays: Record<string, Float64Array>;
        try {
          // Indicators run over the full history so values inside the window equal a whole-history run.
          arrays = indicatorArrays(
            full,
            opts.indicators.split(',').map((s) => s.trim()),
          );
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        for (const [name, values] of Object.entries(arrays)) {
          extra[name] = toNullable(values.subarray(offset, offset + bars.dates.length));
        }
      }
      const payload = {
        symbol,
        dates: Array.from(bars.dates, isoFromDay),
        open: toNullable(bars.open),
        high: toNullable(bars.high),
        low: toNullable(bars.low),
        close: toNullable(bars.close),
        adjClose: toNullable(bars.adjClose),
        volume: toNullable(bars.volume),
        ...extra,
        dividends: dividends.map((d) => ({ date: isoFromDay(d.date), amount: d.amount })),
        splits: splits.map((s) => ({ date: isoFromDay(s.date), numerator: s.numerator, denominator: s.denominator })),
      };
      if (opts.json) {
        printJson(payload);
        return;
      }
      const n = payload.dates.length;
      const tail = Math.max(0, n - 20);
      printLine(`${symbol}: ${n} bars${n > 0 ? ` ${payload.dates[0]} .. ${payload.dates[n - 1]}` : ''}`);
      printLine(
        formatTable(
          ['date', 'open', 'high', 'low', 'close', 'adj close', 'volume'],
          payload.dates
            .slice(tail)
            .map((d, k) => [
              d,
              payload.open[tail + k],
              payload.high[tail + k],
              payload.low[tail + k],
              payload.close[tail + k],
              payload.adjClose[tail + k],
              payload.volume[tail + k],
            ]),
        ),
      );
      if (dividends.length > 0) printLine(`dividends: ${dividends.length}, splits: ${splits.length}`);
    });
}

function toNullable(values: Float64Array): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}
