import type { Config } from '../config/index.js';
import { AlphaVantageDailySource } from '../sources/alphavantage/alpha-vantage-daily-source.js';
import type { HttpGet } from '../sources/http-get.js';
import type { HistorySource } from '../sources/source.js';
import { YahooChartSource } from '../sources/yahoo/yahoo-chart-source.js';
import { createConfiguredHttpGet, type TransportConfig } from './create-configured-http-get.js';
import { HttpStats, instrumentHttpGet } from './instrumented-http-get.js';
import type { RateLimits } from './rate-limiter.js';
import { TokenBucketLimiter } from './token-bucket.js';

export const HISTORY_SOURCES = ['yahoo', 'alphavantage'] as const;
export type HistorySourceName = (typeof HISTORY_SOURCES)[number];

/** A source that cannot be used with this configuration (Alpha Vantage off or without a key). */
export class SourceSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceSetupError';
  }
}

export interface ConfiguredSource {
  source: HistorySource;
  rateLimiter: TokenBucketLimiter;
  /** What the source's requests cost: filled as the run goes. */
  httpStats: HttpStats;
}

type SourceConfig = TransportConfig &
  Pick<
    Config,
    | 'yahooBaseUrl'
    | 'yahooRatePerSecond'
    | 'yahooRatePerMinute'
    | 'yahooRatePerDay'
    | 'enableAlphaVantage'
    | 'alphaVantageApiKey'
    | 'alphaVantageBaseUrl'
    | 'alphaVantageRatePerMinute'
    | 'alphaVantageRatePerDay'
  >;

/** A history source's rate limits from config (Alpha Vantage has no per-second limit). */
export function sourceRateLimits(name: string, config: SourceConfig): RateLimits {
  return name === 'yahoo'
    ? { perSecond: config.yahooRatePerSecond, perMinute: config.yahooRatePerMinute, perDay: config.yahooRatePerDay }
    : { perMinute: config.alphaVantageRatePerMinute, perDay: config.alphaVantageRatePerDay };
}

/**
 * The history source named on the command line, with its rate limits from config and an HttpGet that
 * counts what goes over the wire. `httpGet` replaces the network transport (tests, benches).
 */
export function createHistorySource(
  name: string,
  config: SourceConfig,
  options: { httpGet?: HttpGet } = {},
): ConfiguredSource {
  const httpStats = new HttpStats();
  const transport = options.httpGet ?? createConfiguredHttpGet(config);
  const httpGet = instrumentHttpGet(transport, httpStats);
  if (name === 'yahoo') {
    return {
      source: new YahooChartSource({ httpGet, baseUrl: config.yahooBaseUrl }),
      rateLimiter: new TokenBucketLimiter(sourceRateLimits(name, config)),
      httpStats,
    };
  }
  if (name === 'alphavantage') {
    if (!config.enableAlphaVantage) {
      throw new SourceSetupError(
        'Alpha Vantage is disabled; set ENABLE_ALPHA_VANTAGE=true and ALPHA_VANTAGE_API_KEY to use --source alphavantage',
      );
    }
    if (config.alphaVantageApiKey.trim() === '') {
      throw new SourceSetupError(
        'Alpha Vantage needs an API key; set ALPHA_VANTAGE_API_KEY (free keys: 25 requests a day)',
      );
    }
    return {
      source: new AlphaVantageDailySource({
        httpGet,
        apiKey: config.alphaVantageApiKey,
        baseUrl: config.alphaVantageBaseUrl,
      }),
      rateLimiter: new TokenBucketLimiter(sourceRateLimits(name, config)),
      httpStats,
    };
  }
  throw new SourceSetupError(`source "${name}" is unknown; expected one of ${HISTORY_SOURCES.join(', ')}`);
}
