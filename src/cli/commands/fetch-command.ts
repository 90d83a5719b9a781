import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { createHistorySource, HISTORY_SOURCES, SourceSetupError } from '../../fetch/create-history-source.js';
import { DURATION_EXPECTED } from '../../jobs/job-params.js';
import { resolveUniverse } from '../../universe/resolve-universe.js';
import { listUniverses, UniverseError } from '../../universe/universe-registry.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { parseDayOption, parseIntOption } from './parse-options.js';
import { reportFetchRun } from './report-fetch-run.js';
import { runJobInCli } from './run-job-in-cli.js';

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
      return `\nUniverses:\n${names}\n\nThe run's metrics are kept in job_runs and in <dataDir>/runs/<id>.json.\nAfter the bars, the same tickers' quotes are fetched (Yahoo only; fresh ones within --max-age are skipped).\nCtrl-C stops after the requests in flight (what was fetched stays stored; the run ends cancelled); again quits at once.\nExit code 0 when every ticker is fetched or fresh, 3 when some failed (or a quote batch did), 1 when all failed or the run was cancelled, 2 for a bad flag.`;
    })
    .action(async (flags: FetchFlags) => {
      await fetchAction(flags, ctx);
    });
}

async function fetchAction(flags: FetchFlags, ctx: CliContext): Promise<void> {
  const config = ctx.config;
  const maxStocks = parseIntOption('--max-stocks', flags.maxStocks, 1, 100_000_000);
  const maxConcurrent = parseIntOption('--max-concurrent', flags.maxConcurrent, 1, 256);
  parseDayOption('--from', flags.from);
  if (flags.maxAge !== undefined && parseDuration(flags.maxAge) === undefined) {
    throw new UsageError(`--max-age "${flags.maxAge}" is not a duration; ${DURATION_EXPECTED}`);
  }
  if (!(HISTORY_SOURCES as readonly string[]).includes(flags.source)) {
    throw new UsageError(`--source "${flags.source}" is unknown; expected one of ${HISTORY_SOURCES.join(', ')}`);
  }
  if (flags.universe !== undefined && flags.tickers !== undefined) {
    throw new UsageError('--universe and --tickers name the tickers twice; give one of them');
  }
  // The fetch job's request (JOB_PARAM_SCHEMAS.fetch), as the API and the scheduler send it. A setting left
  // out is the fetching process's own (FETCH_MAX_AGE, FETCH_MAX_CONCURRENT): a shared queue's workers' own.
  const params: Record<string, unknown> = { source: flags.source, quotes: flags.quotes !== false };
  if (flags.universe !== undefined) params.universe = flags.universe;
  if (flags.tickers !== undefined) params.tickers = flags.tickers;
  if (maxStocks !== undefined) params.maxStocks = maxStocks;
  if (flags.expand) params.expand = true;
  if (maxConcurrent !== undefined) params.maxConcurrent = maxConcurrent;
  if (flags.forceRefresh) params.forceRefresh = true;
  if (flags.maxAge !== undefined) params.maxAge = flags.maxAge;
  if (flags.from !== undefined) params.from = flags.from;
  if (flags.refetchGaps) params.refetchGaps = true;
  // Without a shared queue the job runs in this process: a source it cannot use or tickers it cannot read
  // are a bad flag here, before any job is recorded. A queue's workers check them where they run.
  const universe = config.redisUrl === '' ? await checkRunsHere(ctx, flags) : universeLabel(flags);
  await runJobInCli(ctx, 'fetch', params, {
    listsFailures: true,
    onFinished: (run) => reportFetchRun(run, { json: flags.json, universe, dataDir: config.dataDir }),
  });
}

/** The universe's name once its spec and the source's set-up are checked here; a bad one is a usage error. */
async function checkRunsHere(ctx: CliContext, flags: FetchFlags): Promise<string> {
  try {
    createHistorySource(flags.source, ctx.config);
  } catch (error) {
    if (error instanceof SourceSetupError) throw new UsageError(error.message);
    throw error;
  }
  try {
    return (await resolveUniverse(flags.universe, { store: await ctx.store(), tickers: flags.tickers })).name;
  } catch (error) {
    if (error instanceof UniverseError) throw new UsageError(error.message);
    throw error;
  }
}

function universeLabel(flags: FetchFlags): string {
  return flags.tickers !== undefined ? 'tickers' : (flags.universe ?? 'cached');
}
