import type { Config } from '../config/index.js';
import type { Analyst } from './analyst.js';
import { LlmAnalyst } from './llm-analyst.js';
import { RulesAnalyst } from './rules-analyst.js';

export type AnalystKind = 'rules' | 'llm';

/** The analyst a report asks: the built-in rules (the default), or the configured chat model. */
export function createAnalyst(
  kind: AnalystKind,
  config: Pick<Config, 'llmBaseUrl' | 'llmModel' | 'llmApiKey' | 'llmTimeoutMs' | 'llmRetries'>,
  options: { fetch?: typeof fetch; sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {},
): Analyst {
  if (kind === 'rules') return new RulesAnalyst();
  return new LlmAnalyst({
    baseUrl: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    timeoutMs: config.llmTimeoutMs,
    retries: config.llmRetries,
    ...options,
  });
}
