import { VERDICTS, type Verdict } from '../domain/analyst-report.js';
import { type Analyst, AnalystError, type AnalystOpinion, type TokenUsage } from './analyst.js';
import { type ChatEndpoint, postChatCompletion } from './chat-completion-request.js';
import type { TickerFacts } from './ticker-facts.js';

export interface LlmAnalystOptions extends ChatEndpoint {
  model: string;
  /** Retries after 429, 5xx, timeouts and unreachable endpoints. */
  retries: number;
  /** First backoff in ms, doubled per retry when the answer names no Retry-After (default 1000). */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry, Retry-After included (default 60 s). */
  retryMaxDelayMs?: number;
  /** Waits before a retry; tests pass one that records the wait and returns at once. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const SYSTEM_PROMPT = [
  'You are an equity research analyst. You are given computed facts about one stock as JSON: trend (moving',
  'averages), momentum (RSI, MACD, returns), volatility, valuation (from the latest quote), risks and the',
  'return against a benchmark. Use only these facts. Answer with one JSON object and nothing else:',
  '{"verdict": "buy" | "hold" | "sell", "reasons": [up to 6 short strings, most important first],',
  '"summary": "two to four sentences"}.',
].join(' ');

const RETRYABLE = new Set(['rate-limited', 'server', 'timeout', 'network']);

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * An analyst that asks any OpenAI-compatible chat-completions endpoint (LLM_BASE_URL, LLM_MODEL,
 * LLM_API_KEY) about a ticker's computed facts in a structured prompt, with a timeout per request and
 * retries with backoff on 429 and 5xx, honouring Retry-After. It records the tokens each answer used.
 */
export class LlmAnalyst implements Analyst {
  readonly name: string;
  private readonly sleep: NonNullable<LlmAnalystOptions['sleep']>;

  constructor(private readonly opts: LlmAnalystOptions) {
    if (!opts.baseUrl)
      throw new AnalystError('config', 'the llm analyst needs LLM_BASE_URL (an OpenAI-compatible API)');
    if (!opts.model) throw new AnalystError('config', 'the llm analyst needs LLM_MODEL');
    this.name = `llm:${opts.model}`;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  async analyze(facts: TickerFacts, signal: AbortSignal): Promise<AnalystOpinion> {
    const body = {
      model: this.opts.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `Facts for ${facts.symbol}:\n${JSON.stringify(facts)}` },
      ],
    };
    const base = this.opts.retryBaseDelayMs ?? 1000;
    const cap = this.opts.retryMaxDelayMs ?? 60_000;
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      try {
        const answer = await postChatCompletion(this.opts, body, signal);
        if (answer.status === 429 || answer.status >= 500) {
          const kind = answer.status === 429 ? 'rate-limited' : 'server';
          const error = new AnalystError(kind, `the chat endpoint answered HTTP ${answer.status}`);
          if (attempt >= this.opts.retries) throw error;
          wait = Math.min(cap, answer.retryAfterMs ?? base * 2 ** attempt);
        } else if (answer.status >= 400) {
          throw new AnalystError(
            `http-${answer.status}`,
            `the chat endpoint refused the request (HTTP ${answer.status})`,
          );
        } else return this.readAnswer(answer.text, facts.symbol);
      } catch (error) {
        if (!(error instanceof AnalystError) || !RETRYABLE.has(error.kind) || attempt >= this.opts.retries) throw error;
        wait = Math.min(cap, base * 2 ** attempt);
      }
      await this.sleep(wait, signal);
    }
  }

  private readAnswer(text: string, symbol: string): AnalystOpinion {
    const malformed = (why: string) => new AnalystError('malformed', `the chat answer for ${symbol} ${why}`);
    let doc: {
      choices?: { message?: { content?: unknown } }[];
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
    };
    try {
      doc = JSON.parse(text);
    } catch {
      throw malformed('is not JSON');
    }
    const content = doc?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw malformed('has no choices[0].message.content');
    let opinion: { verdict?: unknown; reasons?: unknown; summary?: unknown };
    try {
      // Some models wrap the object in a fenced code block despite the instruction.
      opinion = JSON.parse(content.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ''));
    } catch {
      throw malformed('holds no JSON object');
    }
    const verdict = typeof opinion.verdict === 'string' ? opinion.verdict.trim().toLowerCase() : '';
    if (!VERDICTS.includes(verdict as Verdict))
      throw malformed(`has verdict ${JSON.stringify(opinion.verdict)}, not buy, hold or sell`);
    const reasons = Array.isArray(opinion.reasons)
      ? opinion.reasons
          .filter((r): r is string => typeof r === 'string')
          .slice(0, 10)
          .map((r) => r.slice(0, 500))
      : [];
    const text2 = typeof opinion.summary === 'string' ? opinion.summary.slice(0, 4000) : '';
    const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    const usage: TokenUsage = {
      promptTokens: count(doc.usage?.prompt_tokens),
      completionTokens: count(doc.usage?.completion_tokens),
      totalTokens: count(doc.usage?.total_tokens),
    };
    const summary = [`### ${symbol}: ${verdict.toUpperCase()}`, '', text2, '', ...reasons.map((r) => `- ${r}`)].join(
      '\n',
    );
    return { verdict: verdict as Verdict, reasons, summary, usage };
  }
}
