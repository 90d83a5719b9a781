import type { Command } from 'commander';
import { isoFromDay } from '../../domain/epoch-day.js';
import { generateUniverse } from '../../synthetic/generate-universe.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, printJson, printLine } from '../output.js';
import { parseDayOption, parseIntOption } from './parse-options.js';

interface GenerateOptions {
  tickers: string;
  days: string;
  seed: string;
  end?: string;
  json?: boolean;
}

export function registerGenerateCommand(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('write a synthetic market (tickers S0001, S0002 ...) into the database, for demos and benchmarks')
    .requiredOption('--tickers <n>', 'number of tickers (1-100000)')
    .requiredOption('--days <n>', 'trading days per ticker, weekdays ending at --end (1-20000)')
    .option('--seed <n>', 'random seed: the same seed, size and end date give the same market', '1')
    .option('--end <date>', 'last trading day, YYYY-MM-DD (default today)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nPrices follow random walks with volatility regimes and jumps; ~half the tickers pay quarterly dividends,\n~2.5% have a split. Tickers are listed in the "synthetic" universe. Running it again with the same\narguments changes nothing.',
    )
    .action(async (opts: GenerateOptions) => {
      const tickers = parseIntOption('--tickers', opts.tickers, 1, 100_000)!;
      const days = parseIntOption('--days', opts.days, 1, 20_000)!;
      const seed = parseIntOption('--seed', opts.seed, 0, 2 ** 32 - 1)!;
      const endDate = parseDayOption('--end', opts.end);
      const store = await ctx.store();
      const showProgress = !opts.json && process.stderr.isTTY === true;
      let result: Awaited<ReturnType<typeof generateUniverse>>;
      try {
        result = await generateUniverse(store, {
          tickers,
          days,
          seed,
          endDate,
          onProgress: showProgress
            ? (done, total) => process.stderr.write(`\r\x1b[Kgenerating ${done}/${total} tickers`)
            : undefined,
        });
      } finally {
        if (showProgress) process.stderr.write('\r\x1b[K');
      }
      const info = await store.info();
      const summary = {
        tickers: result.tickers,
        bars: result.bars,
        seed,
        from: result.firstDate === null ? null : isoFromDay(result.firstDate),
        to: result.lastDate === null ? null : isoFromDay(result.lastDate),
        splits: result.splits,
        dividends: result.dividends,
        seconds: Math.round(result.seconds * 100) / 100,
        database: info.location,
        sizeBytes: info.sizeBytes,
      };
      if (opts.json) {
        printJson(summary);
        return;
      }
      printLine(
        `generated ${summary.tickers} tickers x ${days} days = ${summary.bars} bars (${summary.from}..${summary.to}, seed ${seed}) ` +
          `in ${summary.seconds} s; ${summary.splits} splits, ${summary.dividends} dividends; ` +
          `${info.location} is ${formatBytes(info.sizeBytes)}`,
      );
    });
}
