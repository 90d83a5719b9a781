import type { JobRun } from '../../domain/job-run.js';
import type { FetchRunMetrics, QuoteRunMetrics } from '../../fetch/fetch-metrics.js';
import { writeRunMetricsFile } from '../../fetch/fetch-run-record.js';
import { keptHistoryLines } from '../../fetch/keep-stored-history.js';
import { formatBytes, formatTable, printJson, printLine } from '../output.js';

/**
 * What `marketdeck fetch` says of its ended job, from the run's metrics whatever its status: the metrics as
 * JSON or a summary, a source that could not be reached or was given up on (stderr), and the metrics kept in
 * <dataDir>/runs/<id>.json. The file is written here, where the whole run's metrics are: a shared queue's
 * workers each see one chunk of tickers. A run that failed before fetching (no metrics) says nothing here: the
 * error thrown for it says why.
 */
export async function reportFetchRun(
  run: JobRun,
  opts: { json?: boolean; universe: string; dataDir: string },
): Promise<void> {
  const metrics = run.metrics;
  if (!metrics) return;
  if (!isFetchRunMetrics(metrics)) {
    // Nothing to fetch: the job's metrics are the message.
    if (opts.json) printJson(metrics);
    else printLine(String(metrics.message ?? `fetch ${run.id} ${run.status}`));
    return;
  }
  const file = await writeRunMetricsFile(opts.dataDir, metrics);
  if (opts.json) printJson(metrics);
  else printSummary(metrics, opts.universe, file);
  if (metrics.unreachable) process.stderr.write(`marketdeck: ${metrics.unreachable}\n`);
  if (metrics.gaveUp) process.stderr.write(`marketdeck: ${metrics.gaveUp}\n`);
}

function isFetchRunMetrics(m: Record<string, unknown>): m is Record<string, unknown> & FetchRunMetrics {
  return typeof m.runId === 'string' && typeof m.tickers === 'object' && m.tickers !== null;
}

function printSummary(m: FetchRunMetrics, universe: string, file: string): void {
  const t = m.tickers;
  printLine(
    `${m.runId}: ${t.requested} tickers of ${universe} from ${m.source} in ${m.seconds} s` +
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
