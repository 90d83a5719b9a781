import type { JobRun } from '../../domain/job-run.js';
import type { BackfillRunMetrics } from '../../jobs/handlers/configured-backfill-step.js';
import { formatTable, printJson, printLine } from '../output.js';

/** Complete tickers listed as `no gaps` rows at most; more are only counted. */
const NO_GAP_ROWS = 50;

/**
 * What `marketdeck backfill` says of its ended job, from the run's metrics whatever its status: the summary
 * as JSON, or a line of totals and one row per ticker (`saved N bars` or `failed: reason`, and `no gaps` while
 * the table stays readable). A run with nothing to fill says so in one line. A run that stopped before it
 * planned (no metrics) says nothing here: the error thrown for it says why.
 */
export function reportBackfillRun(run: JobRun, opts: { json?: boolean }): void {
  const metrics = run.metrics;
  if (!metrics) return;
  if (!isBackfillRunMetrics(metrics)) {
    // Nothing to fill: the job's metrics are the message.
    if (opts.json) printJson(metrics);
    else printLine(String(metrics.message ?? `backfill ${run.id} ${run.status}`));
    return;
  }
  // The failed tickers are in the results already; the partial block only tells the queue how the run ended.
  const { partial: _partial, ...summary } = metrics;
  if (opts.json) {
    printJson(summary);
    return;
  }
  const m = metrics;
  // The table's `requests` are the ranges planned per ticker; the engine's count is every request sent, each
  // retry one more: both are said, by name, so a retried run does not read as a contradiction.
  const planned = m.results.reduce((n, r) => n + r.requests, 0);
  printLine(
    `${m.universe}: ${m.complete} of ${m.universeTickers} tickers had no gaps; ${m.tickers} backfilled with ${planned} ` +
      `requests planned, ${m.requests} sent with retries (${m.workers} workers) in ${m.seconds} s: ` +
      `${m.barsAdded} bars added, ${m.barsChanged} changed, ${m.failed} failed`,
  );
  // The complete tickers are rows too while the table stays readable; a whole market's are counted above.
  const quiet = m.noGaps.length <= NO_GAP_ROWS ? m.noGaps : [];
  const rows = [
    ...m.results.map((r) => [
      r.symbol,
      r.requests,
      r.status === 'failed'
        ? `failed: ${r.reason}`
        : `saved ${r.barsAdded} bars${r.barsChanged ? `, ${r.barsChanged} changed` : ''}`,
    ]),
    ...quiet.map((symbol) => [symbol, 0, 'no gaps']),
  ].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  printLine(formatTable(['symbol', 'requests planned', 'result'], rows));
  if (quiet.length < m.noGaps.length) printLine(`(${m.noGaps.length} tickers with no gaps: --json lists them)`);
}

function isBackfillRunMetrics(m: Record<string, unknown>): m is Record<string, unknown> & BackfillRunMetrics {
  return Array.isArray(m.noGaps) && typeof m.universeTickers === 'number';
}
