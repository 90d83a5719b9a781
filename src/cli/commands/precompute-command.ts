import type { Command } from 'commander';
import type { PrecomputeSummary } from '../../precompute/precompute.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';
import { runJobInCli } from './run-job-in-cli.js';

export function registerPrecomputeCommand(program: Command, ctx: CliContext): void {
  program
    .command('precompute')
    .description('build every dashboard payload into the cache now (recorded as a precompute job)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      const run = await runJobInCli(ctx, 'precompute', {}, { quiet: opts.json });
      printPrecomputeSummary(run.metrics as unknown as PrecomputeSummary, opts.json === true);
    });
}

/** The summary as JSON, or as a line and a table of what was cached (also used by `refresh`). */
export function printPrecomputeSummary(summary: PrecomputeSummary, json: boolean): void {
  if (json) {
    printJson(summary);
    return;
  }
  printLine(summary.summary);
  const rows = [
    ...Object.entries(summary.details.metrics_cached).map(([name, n]) => ['page', name, n]),
    ...Object.entries(summary.details.charts_cached).map(([name, n]) => ['chart', name, n]),
  ];
  printLine('');
  printLine(formatTable(['family', 'payload', 'entries'], rows));
  printLine(
    `\n${summary.entries_cached} entries, ${formatBytes(summary.bytes)}, ${summary.duration_ms} ms, TTL ${summary.cache_ttl_minutes} min`,
  );
}
