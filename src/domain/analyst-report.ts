/** What an analyst concluded about one ticker; `buy`/`hold`/`sell` in the words of a research note. */
export type Verdict = 'buy' | 'hold' | 'sell';

export const VERDICTS: readonly Verdict[] = ['buy', 'hold', 'sell'];

/** One ticker's deep analysis as stored and served: the verdict, the reasons behind it and the facts used. */
export interface TickerReport {
  symbol: string;
  /** The run (job id) that produced it. */
  runId: string;
  /** 'rules' or 'llm:<model>'. */
  analyst: string;
  verdict: Verdict;
  /** Every reason that moved the verdict, most important first. */
  reasons: string[];
  /** The report's text (markdown). */
  summary: string;
  /** The computed facts the analyst was given (trend, momentum, volatility, valuation, risks). */
  facts: Record<string, unknown>;
  createdAt: Date;
}
