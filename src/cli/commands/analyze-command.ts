import type { Command } from 'commander';
import type { AnalysisSummary } from '../../analysis/run-analysis.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import { UniverseError } from '../../universe/universe-registry.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { runJobInCli } from './run-job-in-cli.js';

interface AnalyzeOptions {
  universe?: string;
  tickers?: string;
  full?: boolean;
  json?: boolean;
}

export function registerAnalyzeCommand(program: Command, ctx: CliContext): void {
  program
    .command('analyze')
    .description('compute indicators, signals, screener rows and market breadth from the stored bars (no network)')
    .option('--universe <name>', 'which tickers (default cached = every stored ticker)')
    .option('--tickers <list>', 'comma-separated symbols instead of a universe')
    .option('--full', 'recompute every ticker and the breadth from scratch instead of only what changed')
    .option('--json', 'print the run summary as JSON')
    .addHelpText(
      'after',
      '\nIncremental by default: unchanged tickers are skipped and tickers that only gained bars continue from\n' +
        'their stored state; the results equal a full run. Worker threads: ANALYSIS_WORKERS (0 = one per core).\n' +
        'Indicator names for `show --indicators`: ema10 ema20 ema50 ema100 ema200 sma20 sma50 sma200 rsi14 macd\n' +
        'macdSignal macdHist bbUpper bbMiddle bbLower atr14, or all.',
    )
    .action(async (opts: AnalyzeOptions) => {
      if (opts.universe !== undefined && opts.tickers !== undefined) {
        throw new UsageError('--universe and --tickers name the tickers twice; give one of them');
      }
      const store = await ctx.store();
      // A named universe or ticker list is resolved here too, so that a bad one is a usage error (exit 2)
      // before any job is recorded; the default (every stored ticker) cannot be wrong and is resolved once.
      let missing: string[] = [];
      if (opts.universe !== undefined || opts.tickers !== undefined) {
        let symbols: readonly string[];
        try {
          symbols = (await resolveUniverse(opts.universe, { store, tickers: opts.tickers })).symbols;
        } catch (error) {
          if (error instanceof UniverseError) throw new UsageError(error.message);
          throw error;
        }
        // Asked-for tickers with nothing stored cannot be analysed: said, not passed over in silence.
        if (opts.tickers !== undefined) {
          const stored = new Set(await store.tickers.symbolsWithBars());
          missing = symbols.filter((s) => !stored.has(s));
          const hint = 'fetch or import them first (marketdeck fetch --tickers ...)';
          if (missing.length === symbols.length) throw new Error(`no bars stored for ${missing.join(', ')}; ${hint}`);
          if (missing.length > 0)
            process.stderr.write(`marketdeck: no bars stored for ${missing.join(', ')}; ${hint}\n`);
        }
      }
      // Run as an analyze job, so the run is recorded in job_runs and never overlaps another of this process.
      const params: Record<string, unknown> = { full: opts.full === true };
      if (opts.universe !== undefined) params.universe = opts.universe;
      if (opts.tickers !== undefined) params.tickers = opts.tickers;
      const run = await runJobInCli(ctx, 'analyze', params, { quiet: opts.json });
      const summary = run.metrics as unknown as AnalysisSummary;
      if (opts.json) printJson(summary);
      else printSummary(summary, opts.tickers === undefined);
      if (missing.length > 0) process.exitCode = EXIT_PARTIAL;
    });
}

/** `breadth`: false for a list of tickers, whose run stores no breadth (see RunAnalysisOptions.storeBreadth). */
function printSummary(s: AnalysisSummary, breadth: boolean): void {
  const t = s.seconds;
  printLine(
    `${s.mode} analysis of ${s.universe}: ${s.tickers} tickers (${s.recomputed} recomputed, ${s.resumed} continued, ` +
      `${s.skipped} unchanged${s.removed > 0 ? `, ${s.removed} removed` : ''}), ${s.bars} bars, ${s.signals} signals, ` +
      (breadth ? `breadth ${s.breadthScopes} scope(s) x ${s.breadthDates} dates, ` : 'no breadth (a ticker list), ') +
      (s.remoteChunks > 0
        ? `${t.total.toFixed(2)} s, ${s.remoteChunks} chunks run by the queue's workers`
        : `${t.total.toFixed(2)} s on ${s.threads} thread(s)`),
  );
  if (s.fullReason && breadth) printLine(`full because ${s.fullReason}`);
  printLine(
    `seconds: plan ${t.plan.toFixed(2)}, load ${t.load.toFixed(2)}, indicators ${t.indicators.toFixed(2)}, ` +
      `signals ${t.signals.toFixed(2)}, breadth ${t.breadth.toFixed(2)}, store ${t.store.toFixed(2)}` +
      (s.threads > 1 || s.remoteChunks > 0 ? ' (load..breadth summed over threads and workers)' : ''),
  );
}
