import type { Command } from 'commander';
import { isoFromDay } from '../../domain/epoch-day.js';
import { normalizeSymbol } from '../../domain/symbol.js';
import { buildTickerBars, type TickerBarsPayload } from '../../precompute/build-ticker-bars.js';
import { isSampleTicker } from '../../universe/sample-symbols.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { parseDayOption, parseIntOption } from './parse-options.js';

interface ShowOptions {
  from?: string;
  to?: string;
  json?: boolean;
  indicators?: string;
  rows?: string;
}

/** Rows the text form shows by default: the latest ones, said so in its header. */
const DEFAULT_ROWS = 20;

export function registerShowCommand(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description("print one ticker's bars, dividends and splits (columnar JSON with --json)")
    .argument('<symbol>', 'ticker symbol, e.g. AAPL or BRK.B')
    .option('--from <date>', 'first date, YYYY-MM-DD')
    .option('--to <date>', 'last date, YYYY-MM-DD')
    .option('--indicators <list>', 'comma-separated indicator arrays to add (or "all"); see --help of analyze')
    .option('--rows <n>', `text: how many of the latest rows to print (default ${DEFAULT_ROWS}; --json prints all)`)
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
      const shown = parseIntOption('--rows', opts.rows, 1, 1_000_000) ?? DEFAULT_ROWS;
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
      // Sample prices are from 2013-2018: said wherever they are shown, so they are never taken for today's.
      const sample = await isSampleTicker(store, symbol);
      if (opts.json) {
        printJson({ ...payload, sample });
        return;
      }
      const n = payload.dates.length;
      const tail = Math.max(0, n - shown);
      const range = n > 0 ? ` ${payload.dates[0]} .. ${payload.dates[n - 1]}` : '';
      const part = tail > 0 ? ` (the last ${n - tail} shown; --rows N, --from/--to or --json for the others)` : '';
      printLine(`${symbol}: ${n} bars${range}${part}${n === 0 ? await storedRangeHint(store, symbol, opts) : ''}`);
      if (sample)
        printLine("sample data: bundled real S&P 500 prices of 2013-2018, not today's (see sample/README.md)");
      const names = indicatorColumns(payload);
      printLine(
        formatTable(
          ['date', 'open', 'high', 'low', 'close', 'adj close', 'volume', ...names],
          payload.dates.slice(tail).map((d, k) => {
            const i = tail + k;
            const values = names.map((name) => formatIndicator((payload[name] as (number | null)[])[i]));
            return [
              d,
              payload.open[i],
              payload.high[i],
              payload.low[i],
              payload.close[i],
              payload.adjClose[i],
              payload.volume[i],
              ...values,
            ];
          }),
        ),
      );
      if (dividends.length > 0) printLine(`dividends: ${dividends.length}, splits: ${splits.length}`);
    });
}

const PRICE_KEYS = new Set([
  'symbol',
  'dates',
  'open',
  'high',
  'low',
  'close',
  'adjClose',
  'volume',
  'dividends',
  'splits',
]);

/** The indicator arrays --indicators added to the payload, in the order they were built. */
function indicatorColumns(payload: TickerBarsPayload): string[] {
  return Object.keys(payload).filter((k) => !PRICE_KEYS.has(k) && Array.isArray(payload[k]));
}

function formatIndicator(v: number | null | undefined): string {
  return typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : '';
}

/** Why an asked range holds no bars: the dates the ticker's stored bars do span, to ask within. */
async function storedRangeHint(
  store: Awaited<ReturnType<CliContext['readStore']>>,
  symbol: string,
  opts: { from?: string; to?: string },
): Promise<string> {
  const all = await store.bars.read(symbol);
  if (!all || all.dates.length === 0) return '';
  const asked = [opts.from && `from ${opts.from}`, opts.to && `to ${opts.to}`].filter(Boolean).join(' ');
  return ` ${asked}: its stored bars span ${isoFromDay(all.dates[0])} .. ${isoFromDay(all.dates[all.dates.length - 1])}`;
}
