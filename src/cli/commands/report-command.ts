import type { Command } from 'commander';
import { InvalidSymbolError, parseSymbolList } from '../../domain/symbol.js';
import { requirePortfolio } from '../../portfolio/load-portfolio-analytics.js';
import { describeTimeSaving } from '../../report/batch-metrics.js';
import type { ReportRunResult } from '../../report/run-report.js';
import type { CliContext } from '../cli-context.js';
import { EXIT_ERROR, UsageError } from '../exit-codes.js';
import { printJson, printLine } from '../output.js';
import { parseIntOption } from './parse-options.js';
import { runJobInCli } from './run-job-in-cli.js';

interface ReportOptions {
  tickers?: string;
  portfolio?: string;
  underperformers?: boolean;
  analyst?: string;
  batchSize?: string;
  benchmark?: string;
  prefetch?: boolean;
  json?: boolean;
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('deep analysis of many tickers: prefetch all at once, analysts in concurrent batches, one report')
    .option('--tickers <list>', 'comma-separated symbols')
    .option('--portfolio <name>', "a stored portfolio's holdings")
    .option('--underperformers', "only the portfolio's underperformers (with --portfolio, or the default one)")
    .option(
      '--analyst <kind>',
      'rules (built in) or llm (LLM_BASE_URL, LLM_MODEL, LLM_API_KEY); default REPORT_ANALYST',
    )
    .option('--batch-size <n>', 'analysts at once (default DEEP_ANALYSIS_BATCH_SIZE, automatic)')
    .option('--benchmark <symbol>', 'benchmark of the relative-return facts and underperformers', 'SPY')
    .option('--no-prefetch', 'analyse the stored data as it is (offline): no phase 1')
    .option('--json', 'print the run metrics and the consolidated report as JSON')
    .addHelpText(
      'after',
      '\nPhase 1 fetches every ticker (fresh ones skipped; Alpha Vantage for the ones Yahoo failed when\n' +
        'ENABLE_ALPHA_VANTAGE); phase 2 runs the analysts in batches, one ticker at a time below\n' +
        'BATCH_PREFETCH_MIN_HOLDINGS tickers or when more than half have failed; phase 3 writes the report to\n' +
        '<data>/reports/<id>.md and .json and the metrics to <data>/runs/<id>.json.',
    )
    .action(async (opts: ReportOptions) => {
      const given = [opts.tickers !== undefined, opts.portfolio !== undefined && !opts.underperformers].filter(Boolean);
      if (given.length > 1) throw new UsageError('--tickers and --portfolio name the tickers twice; give one of them');
      if (opts.tickers !== undefined && opts.underperformers) {
        throw new UsageError('--underperformers takes the tickers from a portfolio, not --tickers');
      }
      if (opts.analyst !== undefined && opts.analyst !== 'rules' && opts.analyst !== 'llm') {
        throw new UsageError(`--analyst "${opts.analyst}" is not allowed; expected rules or llm`);
      }
      const params: Record<string, unknown> = {};
      if (opts.tickers !== undefined) {
        try {
          params.tickers = parseSymbolList(opts.tickers).join(',');
        } catch (error) {
          if (error instanceof InvalidSymbolError) throw new UsageError(`--tickers: ${error.message}`);
          throw error;
        }
      }
      if (opts.portfolio !== undefined) params.portfolio = opts.portfolio;
      if (opts.underperformers) params.underperformers = true;
      if (opts.analyst !== undefined) params.analyst = opts.analyst;
      const batchSize = parseIntOption('--batch-size', opts.batchSize, 1, 64);
      if (batchSize !== undefined) params.batchSize = batchSize;
      if (opts.benchmark !== undefined && opts.benchmark !== 'SPY') params.benchmark = opts.benchmark;
      if (opts.prefetch === false) params.prefetch = false;
      if (opts.portfolio !== undefined) {
        // A wrong name is a usage error before any job is recorded.
        await requirePortfolio(await ctx.store(), opts.portfolio).catch((e: Error) => {
          throw new UsageError(e.message);
        });
      }
      const run = await runJobInCli(ctx, 'report', params, { quiet: opts.json });
      const result = run.metrics as unknown as ReportRunResult;
      if (result.batch_metrics.successful_tickers === 0 && result.batch_metrics.total_tickers > 0) {
        process.exitCode = EXIT_ERROR;
      }
      if (opts.json) printJson(result);
      else printResult(result);
    });
}

function printResult(r: ReportRunResult): void {
  const m = r.batch_metrics;
  printLine(
    `${r.report.title}: ${m.successful_tickers} of ${m.total_tickers} tickers by ${m.analyst} in ${m.total_duration_seconds} s ` +
      `(prefetch ${m.prefetch_duration_seconds} s, analysis ${m.analysis_duration_seconds} s, ${m.total_batches} batch(es) of ${m.batch_size}, ` +
      `${describeTimeSaving(m.time_savings_percentage)})`,
  );
  if (m.prefetch_notice) printLine(m.prefetch_notice);
  for (const v of ['buy', 'hold', 'sell'] as const) {
    const names = r.report.tickers.filter((t) => t.verdict === v).map((t) => t.symbol);
    printLine(`  ${v}: ${names.length > 0 ? names.join(', ') : '-'}`);
  }
  if (m.fallback_reason) printLine(`fallback: ${m.fallback_reason}`);
  printLine(`report: ${r.files.markdown}`);
  printLine(`metrics: ${r.files.metrics}`);
}
