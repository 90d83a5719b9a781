import { todayUtc } from '../domain/epoch-day.js';
import type { StoredQuote } from '../domain/quote.js';
import type { ScreenerRow } from '../domain/screener-row.js';

/**
 * The screener rows with their ticker's stored quote merged in: P/E, EPS, dividend yield and shares
 * outstanding, and the market cap when the quote is at least as recent as the row's latest bar (else the
 * row keeps the ticker's, which every quote write also updates, so the two differ only when the quote is
 * older than the bars or another source wrote the ticker's cap).
 *
 * Done here rather than in analysis on purpose: analysis is incremental, driven by each ticker's bar version,
 * and a quote-only change (a new P/E, no new bar) would not make it look at the ticker again; reading the
 * quotes at every precompute shows them at once and leaves the incremental and full analyses equal. Rows
 * without a quote get nulls (rows stored before these fields existed lack them altogether).
 */
export function mergeQuoteFields(rows: readonly ScreenerRow[], quotes: readonly StoredQuote[]): ScreenerRow[] {
  const bySymbol = new Map<string, StoredQuote>();
  for (const q of quotes) bySymbol.set(q.symbol, q);
  return rows.map((row) => {
    const q = bySymbol.get(row.symbol);
    const quoteCapIsCurrent = q !== undefined && q.marketCap !== null && todayUtc(q.fetchedAt) >= row.date;
    return {
      ...row,
      marketCap: quoteCapIsCurrent ? q.marketCap : (row.marketCap ?? null),
      trailingPE: q?.trailingPE ?? null,
      forwardPE: q?.forwardPE ?? null,
      eps: q?.eps ?? null,
      dividendYield: q?.dividendYield ?? null,
      sharesOutstanding: q?.sharesOutstanding ?? null,
    };
  });
}
