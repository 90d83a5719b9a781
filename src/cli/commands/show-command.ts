import type { Command } from 'commander';
import { normalizeSymbol } from '../../domain/symbol.js';
import { buildTickerBars } from '../../precompute/build-ticker-bars.js';
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
      const store = await ctx.readStore();
      let payload: Awaited<ReturnType<typeof buildTickerBars>>;
      try {
        payload = await buildTickerBars(store, symbol, {
          from,
          to,
          indicators: opts.indicators?.split(',').map((s) => s.trim()),
        });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      if (!payload) {
        process.stderr.write(`marketdeck: no bars stored for ticker "${symbol}" (see \`marketdeck status\`)\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      const { dividends, splits } = payload;
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
