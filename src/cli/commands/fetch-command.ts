import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { createHistorySource, HISTORY_SOURCES, SourceSetupError } from '../../fetch/create-history-source.js';
import { createQuoteSource } from '../../fetch/create-quote-source.js';
import { runFetch } from '../../fetch/fetch-engine.js';
import type { FetchProgress, FetchRunMetrics, QuoteRunMetrics } from '../../fetch/fetch-metrics.js';
import { runQuoteFetch } from '../../fetch/fetch-quotes.js';
import {
  fetchErrorText,
  fetchJobStatus,
  fetchOutcome,
  newFetchRunId,
  recentRequestTimes,
  writeRunMetricsFile,
} from '../../fetch/fetch-run-record.js';
import { keptHistoryLines } from '../../fetch/keep-stored-history.js';
import { ProgressReporter } from '../../fetch/progress-reporter.js';
import { selectSymbols } from '../../fetch/select-symbols.js';
import { currentJobOwner } from '../../jobs/job-owner.js';
import { recordUniverseInfo } from '../../universe/record-universe-info.js';
import { rememberUniverse } from '../../universe/remember-universe.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import { listUniverses, type ResolvedUniverse, UniverseError } from '../../universe/universe-registry.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, EXIT_PARTIAL, UsageError } from '../exit-codes.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';
import { parseDayOption, parseIntOption } from './parse-options.js';
import { lockPipeline, runJobInCli } from './run-job-in-cli.js';

interface FetchFlags {
  universe?: string;
  tickers?: string;
  maxStocks?: string;
  expand?: boolean;
  source: string;
  maxConcurrent?: string;
  forceRefresh?: boolean;
  maxAge?: string;
  from?: string;
  refetchGaps?: boolean;
  /** False with --no-quotes. */
  quotes?: boolean;
  json?: boolean;
}

export function registerFetchCommand(program: Command, ctx: CliContext): void {
  program
    .command('fetch')
    .description(
      "download daily bars, then the same tickers' quotes: new tickers in full, stored ones from their last day on, fresh ones skipped; rate-limited, retried, one transaction per ticker",
    )
    .option('--universe <name>', 'which tickers (default cached = every stored ticker); see below')
    .option('--tickers <list>', 'comma-separated symbols instead of a universe, e.g. AAPL,MSFT,BRK.B')
    .option('--max-stocks <n>', "at most N tickers: the universe's first N")
    .option('--expand', 'only tickers not stored yet (add N more stocks with --max-stocks N, replacing nothing)')
    .option('--source <name>', `where from: ${HISTORY_SOURCES.join('|')}`, 'yahoo')
    .option('--max-concurrent <n>', 'requests in flight at most, 1-256 (default FETCH_MAX_CONCURRENT)')
    .option('--force-refresh', 'fetch fresh tickers too')
    .option(
      '--max-age <duration>',
      'a ticker fetched within this long is fresh and skipped, e.g. 30m, 24h, 7d (default FETCH_MAX_AGE)',
    )
    .option('--from <date>', 'first date of a whole-history request, YYYY-MM-DD (default: everything the source has)')
    .option('--refetch-gaps', 'fetch the whole history again of tickers flagged with missing days (once)')
    .option(
      '--no-quotes',
      'skip the quote phase (market cap, P/E, EPS, dividend yield of the same tickers, Yahoo only, 100 a request)',
    )
    .option('--json', 'print the run metrics as JSON')
    .addHelpText('after', () => {
      const names = listUniverses()
        .map((u) => `  ${u.usage.padEnd(14)} ${u.description}`)
        .join('\n');
      return `\nUniverses:\n${names}\n\nThe run's metrics are kept in job_runs and in <dataDir>/runs/<id>.json.\nAfter the bars, the same tickers' quotes are fetched (Yahoo only; fresh ones within --max-age are skipped).\nExit code 0 when every ticker is fetched or fresh, 3 when some failed (or a quote batch did), 1 when all failed, 2 for a bad flag.`;
    })
    .action(async (flags: FetchFlags) => {
      await fetchAction(flags, ctx);
    });
}

async function fetchAction(flags: FetchFlags, ctx: CliContext): Promise<void> {
  const config = ctx.config;
  const maxStocks = parseIntOption('--max-stocks', flags.maxStocks, 1, 100_000_000);
  const maxConcurrent = parseIntOption('--max-concurrent', flags.maxConcurrent, 1, 256) ?? config.fetchMaxConcurrent;
  const from = parseDayOption('--from', flags.from);
  const maxAgeText = flags.maxAge ?? config.fetchMaxAge;
  const maxAgeMs = parseDuration(maxAgeText);
  const wantsQuotes = flags.quotes !== false;
  if (maxAgeMs === undefined) {
    throw new UsageError(
      `--max-age "${maxAgeText}" is not a duration; expected a number and a unit, e.g. 90s, 30m, 24h, 7d`,
    );
  }
  if (!(HISTORY_SOURCES as readonly string[]).includes(flags.source)) {
    throw new UsageError(`--source "${flags.source}" is unknown; expected one of ${HISTORY_SOURCES.join(', ')}`);
  }
  if (flags.universe !== undefined && flags.tickers !== undefined) {
    throw new UsageError('--universe and --tickers name the tickers twice; give one of them');
  }
  if (config.redisUrl !== '') {
    // With a shared queue the fetch is a queued job: workers fetch its chunks under the shared rate limits.
    if (flags.maxAge !== undefined) {
      throw new UsageError(
        '--max-age is a setting of the workers with a shared queue; set FETCH_MAX_AGE where they run',
      );
    }
    const params: Record<string, unknown> = { source: flags.source, quotes: wantsQuotes };
    if (flags.universe !== undefined) params.universe = flags.universe;
    if (flags.tickers !== undefined) params.tickers = flags.tickers;
    if (maxStocks !== undefined) params.maxStocks = maxStocks;
    if (flags.expand) params.expand = true;
    if (flags.from !== undefined) params.from = flags.from;
    if (flags.refetchGaps) params.refetchGaps = true;
    if (flags.forceRefresh) params.forceRefresh = true;
    const run = await runJobInCli(ctx, 'fetch', params, { quiet: flags.json });
    if (flags.json) printJson(run.metrics);
    else printLine(`fetch ${run.id} ${run.status}`);
    return;
  }
  let configured: ReturnType<typeof createHistorySource>;
  try {
    configured = createHistorySource(flags.source, config);
  } catch (error) {
    if (error instanceof SourceSetupError) throw new UsageError(error.message);
    throw error;
  }

  const store = await ctx.store();
  let universe: ResolvedUniverse;
  try {
    universe = await resolveUniverse(flags.universe, { store, tickers: flags.tickers });
  } catch (error) {
    if (error instanceof UniverseError) throw new UsageError(error.message);
    throw error;
  }
  const stored = flags.expand ? new Set(await store.tickers.symbolsWithBars()) : undefined;
  const { symbols, alreadyStored } = selectSymbols(universe.symbols, { maxStocks, expand: flags.expand, stored });
  if (symbols.length === 0) {
    const why =
      flags.expand && alreadyStored > 0
        ? `every ticker of ${universe.name} (${alreadyStored}) is stored already`
        : universe.name === 'cached'
          ? 'the store has no tickers yet; choose some with --universe (e.g. sp500, nasdaq100) or --tickers'
          : `universe ${universe.name} is empty`;
    if (flags.json) printJson({ requested: 0, message: `nothing to fetch: ${why}` });
    else printLine(`nothing to fetch: ${why}`);
    return;
  }
  await recordUniverseInfo(store, universe, symbols);
  await rememberUniverse(store, universe);

  // After the waits of another process's job: its tickers are then fresh and skipped by the plan.
  const unlock = await lockPipeline(ctx, 'fetch');
  process.once('exit', unlock);
  const startedAt = new Date();
  if (!configured.rateLimiter.unlimited) {
    configured.rateLimiter.recordPastMany(await recentRequestTimes(store, configured.source.name, startedAt));
  }
  const runId = newFetchRunId(startedAt);
  const params = {
    universe: universe.name,
    tickers: symbols.length,
    source: configured.source.name,
    maxStocks: maxStocks ?? null,
    expand: flags.expand === true,
    maxConcurrent,
    forceRefresh: flags.forceRefresh === true,
    maxAge: maxAgeText,
    from: flags.from ?? null,
    refetchGaps: flags.refetchGaps === true,
    quotes: wantsQuotes,
  };
  await store.jobRuns.create({ id: runId, kind: 'fetch', params, status: 'running', owner: currentJobOwner() });
  await store.jobRuns.update(runId, { startedAt });

  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\nmarketdeck: stopping after the requests in flight (Ctrl-C again to quit at once)\n');
    process.off('SIGINT', onSigint);
    controller.abort(new Error('fetch cancelled by the user'));
  };
  process.on('SIGINT', onSigint);
  const reporter = new ProgressReporter({ label: `fetch ${configured.source.name}` });
  let lastJobUpdate = 0;
  const onProgress = (p: FetchProgress) => {
    reporter.update(p);
    const t = Date.now();
    if (t - lastJobUpdate >= 1000 || p.done === p.total) {
      lastJobUpdate = t;
      void store.jobRuns
        .update(runId, {
          progress: {
            done: p.done,
            total: p.total,
            stage: 'fetch',
            message: `${p.fetched} fetched, ${p.failed} failed, ${p.skipped} fresh`,
          },
        })
        .catch(() => {});
    }
  };

  let metrics: FetchRunMetrics;
  try {
    metrics = await runFetch({
      store,
      source: configured.source,
      symbols,
      httpStats: configured.httpStats,
      signal: controller.signal,
      onProgress,
      options: {
        runId,
        maxConcurrent,
        maxAgeMs,
        forceRefresh: flags.forceRefresh,
        from,
        refetchGaps: flags.refetchGaps,
        retries: config.fetchRetries,
        noProgressLimitMs: parseDuration(config.fetchGiveUpAfter),
        rateLimiter: configured.rateLimiter,
      },
    });
    // Quotes of the same tickers, through the same limiter; a cancelled history run leaves them for next time,
    // and an unreachable source would only fail them again.
    const quoteSource =
      wantsQuotes && !metrics.cancelled && !metrics.unreachable && !metrics.gaveUp
        ? createQuoteSource(configured.source.name, config)
        : null;
    if (quoteSource) {
      reporter.finish();
      const quoteReporter = new ProgressReporter({ label: `quotes ${quoteSource.source.name}` });
      metrics.quotes = await runQuoteFetch({
        store,
        source: quoteSource.source,
        symbols,
        httpStats: quoteSource.httpStats,
        rateLimiter: configured.rateLimiter,
        retries: config.fetchRetries,
        maxAgeMs,
        forceRefresh: flags.forceRefresh,
        signal: controller.signal,
        onProgress: (p) => {
          quoteReporter.update({
            total: p.batches,
            done: p.done,
            fetched: p.done - p.failed,
            skipped: 0,
            failed: p.failed,
            inFlight: 0,
            concurrency: 0,
            barsWritten: 0,
            symbol: '',
          });
          void store.jobRuns
            .update(runId, {
              progress: {
                done: p.done,
                total: p.batches,
                stage: 'quotes',
                message: `${p.stored} quotes stored, ${p.missing} missing, ${p.failed} batches failed`,
              },
            })
            .catch(() => {});
        },
      });
      quoteReporter.finish();
    }
  } catch (error) {
    reporter.finish();
    await store.jobRuns.update(runId, { status: 'failed', finishedAt: new Date(), error: (error as Error).message });
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  reporter.finish();
  await store.jobRuns.update(runId, {
    status: fetchJobStatus(metrics),
    finishedAt: new Date(metrics.finishedAt),
    metrics: metrics as unknown as Record<string, unknown>,
    error: fetchErrorText(metrics),
    progress: {
      done: metrics.tickers.requested - metrics.tickers.notRun,
      total: metrics.tickers.requested,
      stage: 'done',
      message: '',
    },
  });
  const file = await writeRunMetricsFile(config.dataDir, metrics);

  const outcome = fetchOutcome(metrics);
  if (outcome === 'partial') process.exitCode = EXIT_PARTIAL;
  else if (outcome === 'failed') process.exitCode = EXIT_ERROR;
  if (flags.json) printJson(metrics);
  else printSummary(metrics, universe, file);
  if (metrics.unreachable) process.stderr.write(`marketdeck: ${metrics.unreachable}\n`);
  if (metrics.gaveUp) process.stderr.write(`marketdeck: ${metrics.gaveUp}\n`);
}

function printSummary(m: FetchRunMetrics, universe: ResolvedUniverse, file: string): void {
  const t = m.tickers;
  printLine(
    `${m.runId}: ${t.requested} tickers of ${universe.name} from ${m.source} in ${m.seconds} s` +
      (m.cancelled ? ` (cancelled, ${t.notRun} not run)` : ''),
  );
  printLine(
    `  fetched ${t.fetched} (new ${t.new}, updated ${t.incremental}, whole history again ${t.fullRefetch}), fresh ${t.skippedFresh}, failed ${t.failed}`,
  );
  printLine(`  bars written ${m.barsWritten} (${m.barsAdded} new, ${m.barsChanged} changed)`);
  printLine(
    `  requests ${m.requests} (${m.retries} retries, ${m.rateLimited} throttled), ${formatBytes(m.bytes)}, ` +
      `latency p50 ${fmtMs(m.latencyMs.p50)} p95 ${fmtMs(m.latencyMs.p95)}`,
  );
  const c = m.concurrency;
  if (c.decreases > 0 || c.cooldowns > 0) {
    printLine(
      `  concurrency ${c.max} -> lowest ${c.lowest}, ended at ${c.final}; ${c.cooldowns} cool-down(s), ${c.cooldownMs} ms paused`,
    );
  }
  const reasons = Object.entries(m.refetchReasons);
  if (reasons.length > 0) printLine(`  whole history again: ${reasons.map(([r, n]) => `${n}x ${r}`).join(', ')}`);
  for (const line of keptHistoryLines(m.kept, file)) printLine(`  ${line}`);
  if (m.quotes) printQuoteSummary(m.quotes);
  // Every ticker failed with the same reason, which goes to stderr instead of a table repeating it.
  if (!m.unreachable && m.failed.length > 0) {
    printLine('');
    const shown = m.failed.slice(0, 20);
    printLine(
      formatTable(
        ['failed', 'kind', 'reason'],
        shown.map((f) => [f.symbol, f.kind, f.reason]),
      ),
    );
    if (m.failed.length > shown.length) printLine(`... and ${m.failed.length - shown.length} more (see ${file})`);
  }
  printLine(`metrics: ${file}`);
}

function printQuoteSummary(q: QuoteRunMetrics): void {
  const s = q.symbols;
  if (s.asked === 0) {
    printLine(`  quotes: all ${s.skippedFresh} fresh, none asked`);
    return;
  }
  const missing = s.missing > 0 ? ` (${q.missing.slice(0, 5).join(', ')}${s.missing > 5 ? ', ...' : ''})` : '';
  printLine(
    `  quotes: stored ${s.stored} of ${s.asked} asked, fresh ${s.skippedFresh}, missing ${s.missing}${missing}; ` +
      `${q.requests} requests (${q.retries} retries) in ${q.batches.total} batches, ${q.batches.failed} failed` +
      (q.cancelled ? ' (cancelled)' : ''),
  );
  for (const b of q.failedBatches.slice(0, 5)) {
    printLine(`  quote batch ${b.first}..${b.last} (${b.size}) failed: ${b.kind}: ${b.reason}`);
  }
}

function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms} ms` : '-';
}
