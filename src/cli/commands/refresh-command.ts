import type { Command } from 'commander';
import type { FullRefreshSummary } from '../../precompute/full-refresh.js';
import type { CliContext } from '../cli-context.js';
import { printPrecomputeSummary } from './precompute-command.js';
import { runJobInCli } from './run-job-in-cli.js';

export function registerRefreshCommand(program: Command, ctx: CliContext): void {
  program
    .command('refresh')
    .description('full refresh: clear the dashboard cache, then rebuild every payload before returning')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      const run = await runJobInCli(ctx, 'precompute', { full: true }, { quiet: opts.json });
      printPrecomputeSummary(run.metrics as unknown as FullRefreshSummary, opts.json === true);
    });
}
