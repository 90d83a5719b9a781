import type { Command } from 'commander';
import type { FetchRunMetrics } from '../../fetch/fetch-metrics.js';
import { keptHistoryLines } from '../../fetch/keep-stored-history.js';
import type { CliContext } from '../cli-context.js';
import { printJson, printLine } from '../output.js';
import { runJobInCli } from './run-job-in-cli.js';

/** The dashboard's "Update data" from the terminal: fetch -> analyze -> precompute as one recorded job. */
export function registerUpdateCommand(program: Command, ctx: CliContext): void {
  program
    .command('update')
    .description('fetch, analyze and precompute in one job (the daily update)')
    .option('--universe <name>', 'universe to fetch (default: every stored ticker)')
    .option('--force-refresh', 'ignore freshness and fetch every ticker')
    .option('--json', 'print the job metrics as JSON')
    .action(async (opts: { universe?: string; forceRefresh?: boolean; json?: boolean }) => {
      const params: Record<string, unknown> = {};
      if (opts.universe) params.universe = opts.universe;
      if (opts.forceRefresh) params.forceRefresh = true;
      const run = await runJobInCli(ctx, 'update', params, { quiet: opts.json });
      if (opts.json) {
        printJson({ id: run.id, status: run.status, metrics: run.metrics });
        return;
      }
      printLine(`update ${run.id} ${run.status}`);
      // A refetch that kept stored history its answer did not cover says so here too, not only in the metrics.
      const kept = (run.metrics?.fetch as Partial<FetchRunMetrics> | undefined)?.kept ?? [];
      for (const line of keptHistoryLines(kept, `marketdeck jobs --json`)) printLine(`  ${line}`);
    });
}
