import type { TickerReport, Verdict } from '../domain/analyst-report.js';
import type { BatchMetrics } from './batch-metrics.js';

/** The one document a report run ends with: every ticker's verdict, the failures and the run's figures. */
export interface PortfolioReport {
  session_id: string;
  title: string;
  created_at: string;
  analyst: string;
  verdicts: Record<Verdict, number>;
  tickers: { symbol: string; verdict: Verdict; reasons: string[] }[];
  failed: BatchMetrics['failed_ticker_list'];
  batch_metrics: BatchMetrics;
}

/** Phase 3: the run's reports as one JSON document and its markdown rendering. */
export function consolidateReports(
  title: string,
  reports: readonly TickerReport[],
  metrics: BatchMetrics,
): { json: PortfolioReport; markdown: string } {
  const verdicts: Record<Verdict, number> = { buy: 0, hold: 0, sell: 0 };
  for (const r of reports) verdicts[r.verdict]++;
  const sorted = [...reports].sort((a, b) => a.symbol.localeCompare(b.symbol));
  const json: PortfolioReport = {
    session_id: metrics.session_id,
    title,
    created_at: metrics.timestamp,
    analyst: metrics.analyst,
    verdicts,
    tickers: sorted.map((r) => ({ symbol: r.symbol, verdict: r.verdict, reasons: r.reasons })),
    failed: metrics.failed_ticker_list,
    batch_metrics: metrics,
  };
  const lines = [
    `# ${title}`,
    '',
    `Run ${metrics.session_id}, ${metrics.timestamp}, analyst ${metrics.analyst}: ${metrics.successful_tickers} of ${metrics.total_tickers} tickers analysed in ${metrics.total_duration_seconds} s (${metrics.mode}, batches of ${metrics.batch_size}).`,
    '',
    '| verdict | tickers |',
    '|---|---|',
    ...(['buy', 'hold', 'sell'] as const).map(
      (v) =>
        `| ${v} | ${
          sorted
            .filter((r) => r.verdict === v)
            .map((r) => r.symbol)
            .join(', ') || '-'
        } |`,
    ),
    '',
    ...sorted.flatMap((r) => [r.summary, '']),
  ];
  if (metrics.failed_ticker_list.length > 0) {
    lines.push(
      '## Failed',
      '',
      ...metrics.failed_ticker_list.map((f) => `- ${f.symbol} (${f.phase}, ${f.kind}): ${f.reason}`),
      '',
    );
  }
  if (metrics.fallback_reason) lines.push(`Fallback: ${metrics.fallback_reason}`, '');
  // Figures from stored data, not today's: said in the document itself, not only on the terminal.
  if (metrics.prefetch_notice) lines.push(`Data: ${metrics.prefetch_notice}`, '');
  return { json, markdown: lines.join('\n') };
}
