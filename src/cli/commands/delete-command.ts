import type { Command } from 'commander';
import { isoFromDay } from '../../domain/epoch-day.js';
import { InvalidSymbolError, parseSymbolList } from '../../domain/symbol.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { lockPipeline, runJobInCli } from './run-job-in-cli.js';

interface DeleteOptions {
  tickers?: string;
  yes?: boolean;
  json?: boolean;
}

export function registerDeleteCommand(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('delete tickers: their bars, dividends, splits and fetch state, then analyze and precompute')
    .requiredOption('--tickers <list>', 'comma-separated symbols to delete')
    .option('--yes', 'delete them; without it the command only lists what it would delete')
    .option('--json', 'print what was deleted as JSON')
    .addHelpText(
      'after',
      '\nA stray ticker (a CSV of the wrong date, a typo) goes with its analysis: the analyze and precompute\n' +
        'that follow drop its screener row, signals and breadth counts, and the dashboard no longer shows it.',
    )
    .action(async (opts: DeleteOptions) => {
      let symbols: string[];
      try {
        symbols = parseSymbolList(opts.tickers ?? '');
      } catch (error) {
        if (error instanceof InvalidSymbolError) throw new UsageError(`--tickers: ${error.message}`);
        throw error;
      }
      const store = await ctx.store();
      const found: { symbol: string; bars: number; from: string; to: string }[] = [];
      const missing: string[] = [];
      for (const symbol of symbols) {
        const bars = await store.bars.read(symbol);
        if (!bars || bars.dates.length === 0) missing.push(symbol);
        else {
          const n = bars.dates.length;
          found.push({ symbol, bars: n, from: isoFromDay(bars.dates[0]), to: isoFromDay(bars.dates[n - 1]) });
        }
      }
      if (found.length === 0) throw new Error(`no bars stored for ${missing.join(', ')}; nothing to delete`);
      const listed = found.map((t) => `${t.symbol} (${t.bars} bars, ${t.from} .. ${t.to})`).join(', ');
      if (!opts.yes) throw new UsageError(`delete would remove ${listed}; add --yes to delete them`);
      if (missing.length > 0) process.stderr.write(`marketdeck: no bars stored for ${missing.join(', ')}, skipped\n`);
      const unlock = await lockPipeline(ctx, 'delete');
      try {
        for (const { symbol } of found) {
          await store.bars.deleteTicker(symbol);
          await store.fetchState.forget?.(symbol);
        }
      } finally {
        unlock();
      }
      if (!opts.json) printLine(`deleted ${listed}; analyzing and precomputing without them`);
      await runJobInCli(ctx, 'analyze', { full: false }, { quiet: opts.json });
      await runJobInCli(ctx, 'precompute', {}, { quiet: opts.json });
      if (opts.json) printJson({ deleted: found, missing });
      else printLine('done: the dashboard no longer shows them');
    });
}
