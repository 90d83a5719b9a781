import type { Verdict } from '../domain/analyst-report.js';
import type { TickerFacts } from './ticker-facts.js';

/** Tokens one chat completion used, as the API reports them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** What an analyst says about one ticker. */
export interface AnalystOpinion {
  verdict: Verdict;
  /** Every reason that moved the verdict, most important first. */
  reasons: string[];
  /** The ticker's section of the report (markdown). */
  summary: string;
  usage?: TokenUsage;
}

/**
 * Turns a ticker's computed facts into an opinion. Analysts never fetch market data: the report's prefetch
 * phase stores it and the facts are computed from the store before any analyst runs. The built-in rules
 * analyst is the default; the llm analyst asks an OpenAI-compatible chat model.
 */
export interface Analyst {
  /** 'rules' or 'llm:<model>', recorded with each report. */
  readonly name: string;
  analyze(facts: TickerFacts, signal: AbortSignal): Promise<AnalystOpinion>;
}

/** A failure of one ticker's analysis, with a short kind for the run's error summary. */
export class AnalystError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'AnalystError';
  }
}
