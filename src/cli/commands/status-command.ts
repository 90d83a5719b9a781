import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { isoFromDay } from '../../domain/epoch-day.js';
import { fetchFreshness } from '../../fetch/fetch-freshness.js';
import { cacheStatus } from '../../precompute/cache-status.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('database, tickers, bars, date range, freshness per source, cache and recent jobs')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      const maxAgeMs = parseDuration(ctx.config.fetchMaxAge) ?? 86_400_000;
      const [info, stats, freshness, cache, jobs, universes, rejects] = await Promise.all([
        store.info(),
        store.bars.stats(),
        fetchFreshness(store, maxAgeMs),
        cacheStatus(store, ctx.config),
        store.jobRuns.list({ limit: 5 }),
        store.universes.list(),
        store.rejects.count(),
      ]);
      const sample = universes.find((u) => u.name === 'sample');
      const status = {
        database: {
          kind: info.kind,
          location: info.location,
          sizeBytes: info.sizeBytes,
          schemaVersion: info.schemaVersion,
        },
        tickers: stats.tickers,
        bars: stats.bars,
        dateRange: {
          from: stats.firstDate === null ? null : isoFromDay(stats.firstDate),
          to: stats.lastDate === null ? null : isoFromDay(stats.lastDate),
        },
        sampleData: sample ? { tickers: sample.members, description: sample.description } : null,
        rejectedRows: rejects,
        freshness: { maxAge: ctx.config.fetchMaxAge, sources: freshness },
        cache,
        recentJobs: jobs.map((j) => ({
          id: j.id,
          kind: j.kind,
          status: j.status,
          startedAt: j.startedAt?.toISOString() ?? null,
          finishedAt: j.finishedAt?.toISOString() ?? null,
          error: j.error,
        })),
      };
      if (opts.json) {
        printJson(status);
        return;
      }
      printLine(
        `database   ${info.kind} ${info.location} (${formatBytes(info.sizeBytes)}, schema v${info.schemaVersion})`,
      );
      printLine(`tickers    ${stats.tickers}`);
      printLine(`bars       ${stats.bars}`);
      printLine(`dates      ${status.dateRange.from ?? '-'} .. ${status.dateRange.to ?? '-'}`);
      if (sample) printLine(`sample     ${sample.description ?? 'bundled sample data'}`);
      printLine(`rejects    ${rejects} rows kept in the rejects table`);
      const sourceRows = Object.entries(freshness).map(([source, f]) => [source, f.fresh, f.stale, f.failed, f.never]);
      if (sourceRows.length > 0) {
        printLine(`\nfreshness (max age ${ctx.config.fetchMaxAge})`);
        printLine(formatTable(['source', 'fresh', 'stale', 'failed', 'never'], sourceRows));
      }
      printLine(
        `\ncache      ${cache.fresh} fresh, ${cache.expired} expired of ${cache.total} (TTL ${cache.ttlMinutes} min), last precompute ${cache.lastPrecompute ?? 'never'}`,
      );
      if (jobs.length > 0) {
        printLine('\nrecent jobs');
        printLine(
          formatTable(
            ['id', 'kind', 'status', 'started', 'finished'],
            status.recentJobs.map((j) => [j.id, j.kind, j.status, j.startedAt, j.finishedAt]),
          ),
        );
      }
    });
}
