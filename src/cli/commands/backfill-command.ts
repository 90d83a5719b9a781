import type { Command } from 'commander';
import { createHistorySource, HISTORY_SOURCES, SourceSetupError } from '../../fetch/create-history-source.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../exit-codes.js';
import { coverageSymbols } from './coverage-command.js';
import { parseDayOption, parseIntOption } from './parse-options.js';
import { reportBackfillRun } from './report-backfill-run.js';
import { runJobInCli } from './run-job-in-cli.js';

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
        "Runs as a `backfill` job, the one the API and the queue's workers run; its metrics are kept in job_runs.\n" +
        'Ctrl-C stops after the requests in flight (what was stored stays; the run ends cancelled); again quits at once.\n' +
        'Exit code 0 when every gap was filled or none was found, 3 when some tickers failed, 1 when all failed.',
    )
    .action(async (flags: BackfillFlags) => {
      await backfillAction(flags, ctx);
    });
}

async function backfillAction(flags: BackfillFlags, ctx: CliContext): Promise<void> {
  if (flags.days !== undefined && flags.from !== undefined) {
    throw new UsageError('--days and --from both say where to start; give one of them');
  }
  const days = parseIntOption('--days', flags.days, 1, 36_500);
  parseDayOption('--from', flags.from);
  if (!(HISTORY_SOURCES as readonly string[]).includes(flags.source)) {
    throw new UsageError(`--source "${flags.source}" is unknown; expected one of ${HISTORY_SOURCES.join(', ')}`);
  }
  const workers = parseIntOption('--workers', flags.workers, 1, 256);
  // The backfill job's request (JOB_PARAM_SCHEMAS.backfill), as the API sends it. Workers left out are sized
  // by the running process's rate limit: a shared queue's worker's own.
  const params: Record<string, unknown> = { source: flags.source };
  if (flags.universe !== undefined) params.universe = flags.universe;
  if (flags.tickers !== undefined) params.tickers = flags.tickers;
  if (days !== undefined) params.days = days;
  if (flags.from !== undefined) params.from = flags.from;
  if (workers !== undefined) params.workers = workers;
  if (flags.gaps === false) params.gaps = false;
  // Without a shared queue the job runs in this process: a source it cannot use or tickers it cannot read
  // are a bad flag here, before any job is recorded. A queue's workers check them where they run.
  if (ctx.config.redisUrl === '') await checkRunsHere(ctx, flags);
  else if (flags.universe !== undefined && flags.tickers !== undefined) {
    throw new UsageError('--universe and --tickers name the tickers twice; give one of them');
  }
  await runJobInCli(ctx, 'backfill', params, {
    listsFailures: true,
    onFinished: (run) => reportBackfillRun(run, { json: flags.json }),
  });
}

/** The source's set-up and the tickers checked where the job will run; a bad one is a usage error. */
async function checkRunsHere(ctx: CliContext, flags: BackfillFlags): Promise<void> {
  try {
    createHistorySource(flags.source, ctx.config);
  } catch (error) {
    if (error instanceof SourceSetupError) throw new UsageError(error.message);
    throw error;
  }
  await coverageSymbols(await ctx.store(), flags.universe, flags.tickers);
}
