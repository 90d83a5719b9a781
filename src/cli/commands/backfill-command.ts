import type { Command } from 'commander';
import { type EpochDay, todayUtc } from '../../domain/epoch-day.js';
import { computeCoverage } from '../../fetch/compute-coverage.js';
import { createHistorySource, HISTORY_SOURCES, SourceSetupError } from '../../fetch/create-history-source.js';
import { planGapRequests } from '../../fetch/plan-gap-requests.js';
import { ProgressReporter } from '../../fetch/progress-reporter.js';
import { type BackfillMetrics, defaultBackfillWorkers, runBackfill } from '../../fetch/run-backfill.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { formatTable, printJson, printLine } from '../output.js';
import { coverageSymbols } from './coverage-command.js';
import { parseDayOption, parseIntOption } from './parse-options.js';
import { stopOnInterrupt } from './stop-on-interrupt.js';

/** Complete tickers listed as `no gaps` rows at most; more are only counted. */
const NO_GAP_ROWS = 50;

interface BackfillFlags {
  universe?: string;
  tickers?: string;
  days?: string;
  from?: string;
  workers?: string;
  /** False with --no-gaps. */
  gaps?: boolean;
  source: string;
  json?: boolean;
}

export function registerBackfillCommand(program: Command, ctx: CliContext): void {
  program
    .command('backfill')
    .description(
      'fetch exactly the missing ranges `marketdeck coverage` lists: one request per gap (close gaps merged), in parallel',
    )
    .option('--universe <name>', 'which tickers (default cached = every stored ticker)')
    .option('--tickers <list>', 'comma-separated symbols instead of a universe')
    .option('--days <n>', 'only gaps within the last N days')
    .option('--from <date>', 'only gaps on or after this date, YYYY-MM-DD')
    .option('--workers <n>', "requests in flight, 1-256 (default: what the source's rate limit allows)")
    .option('--no-gaps', 'download the whole range again (from --days/--from or the first bar), one request per ticker')
    .option('--source <name>', `where from: ${HISTORY_SOURCES.join('|')}`, 'yahoo')
    .option('--json', 'print the plan and per-ticker results as JSON')
    .addHelpText(
      'after',
      '\nEach ticker ends `saved` (bars added) or `failed: reason`; complete tickers are counted, not listed.\n' +
        'Exit code 0 when every gap was filled or none was found, 3 when some tickers failed, 1 when all failed.',
    )
    .action(async (flags: BackfillFlags) => {
      await backfillAction(flags, ctx);
    });
}

async function backfillAction(flags: BackfillFlags, ctx: CliContext): Promise<void> {
  const config = ctx.config;
  if (flags.days !== undefined && flags.from !== undefined) {
    throw new UsageError('--days and --from both say where to start; give one of them');
  }
  const days = parseIntOption('--days', flags.days, 1, 36_500);
  const from: EpochDay | undefined =
    days !== undefined ? ((todayUtc() - days) as EpochDay) : parseDayOption('--from', flags.from);
  const source = flags.source;
  if (!(HISTORY_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(`--source "${source}" is unknown; expected one of ${HISTORY_SOURCES.join(', ')}`);
  }
  const limits =
    source === 'yahoo'
      ? { perSecond: config.yahooRatePerSecond, perMinute: config.yahooRatePerMinute, perDay: config.yahooRatePerDay }
      : { perMinute: config.alphaVantageRatePerMinute, perDay: config.alphaVantageRatePerDay };
  const workers =
    parseIntOption('--workers', flags.workers, 1, 256) ?? defaultBackfillWorkers(limits, config.fetchMaxConcurrent);
  let configured: ReturnType<typeof createHistorySource>;
  try {
    configured = createHistorySource(source, config);
  } catch (error) {
    if (error instanceof SourceSetupError) throw new UsageError(error.message);
    throw error;
  }

  const store = await ctx.store();
  const { name, symbols } = await coverageSymbols(store, flags.universe, flags.tickers);
  const report = await computeCoverage(store, { symbols, universe: name });
  const plan = planGapRequests(report, { from, wholeRange: flags.gaps === false });
  const tickers = report.tickers.length;
  if (plan.total === 0) {
    const message =
      tickers === 0 ? `nothing to backfill: ${name} has no tickers` : `all ${tickers} tickers complete, 0 requests`;
    if (flags.json) printJson({ universe: name, tickers, complete: tickers, requests: 0, message, results: [] });
    else printLine(message);
    return;
  }

  const controller = new AbortController();
  const stopListening = stopOnInterrupt('stopping after the requests in flight (Ctrl-C again to quit at once)', () =>
    controller.abort(new Error('backfill cancelled by the user')),
  );
  const reporter = new ProgressReporter({ label: `backfill ${configured.source.name}` });
  let metrics: BackfillMetrics;
  try {
    metrics = await runBackfill({
      store,
      source: configured.source,
      requests: plan.requests,
      workers,
      rateLimiter: configured.rateLimiter,
      retries: config.fetchRetries,
      signal: controller.signal,
      onProgress: (p) =>
        reporter.update({
          total: p.total,
          done: p.done,
          fetched: p.done - p.failed,
          skipped: 0,
          failed: p.failed,
          inFlight: 0,
          concurrency: workers,
          barsWritten: p.barsAdded,
          symbol: p.symbol,
        }),
    });
  } finally {
    reporter.finish();
    stopListening();
  }
  if (metrics.failed > 0) process.exitCode = metrics.failed === metrics.tickers ? EXIT_ERROR : EXIT_PARTIAL;
  const summary = {
    universe: name,
    universeTickers: tickers,
    complete: plan.complete.length,
    noGaps: plan.complete,
    mode: flags.gaps === false ? 'whole range' : 'gaps',
    from: from ?? null,
    ...metrics,
  };
  if (flags.json) {
    printJson(summary);
    return;
  }
  printLine(
    `${name}: ${plan.complete.length} of ${tickers} tickers had no gaps; ${metrics.tickers} backfilled with ${metrics.requests} requests ` +
      `(${workers} workers) in ${metrics.seconds} s: ${metrics.barsAdded} bars added, ${metrics.barsChanged} changed, ${metrics.failed} failed`,
  );
  // The complete tickers are rows too while the table stays readable; a whole market's are counted above.
  const quiet = plan.complete.length <= NO_GAP_ROWS ? plan.complete : [];
  const rows = [
    ...metrics.results.map((r) => [
      r.symbol,
      r.requests,
      r.status === 'failed'
        ? `failed: ${r.reason}`
        : `saved ${r.barsAdded} bars${r.barsChanged ? `, ${r.barsChanged} changed` : ''}`,
    ]),
    ...quiet.map((symbol) => [symbol, 0, 'no gaps']),
  ].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  printLine(formatTable(['symbol', 'requests', 'result'], rows));
  if (quiet.length < plan.complete.length)
    printLine(`(${plan.complete.length} tickers with no gaps: --json lists them)`);
}
