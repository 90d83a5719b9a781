import type { Config } from '../config/index.js';
import type { HttpGet } from '../sources/http-get.js';
import type { QuoteSource } from '../sources/source.js';
import { YahooQuoteSource } from '../sources/yahoo/yahoo-quote-source.js';
import { createConfiguredHttpGet, type TransportConfig } from './create-configured-http-get.js';
import { HttpStats, instrumentHttpGet } from './instrumented-http-get.js';

export interface ConfiguredQuoteSource {
  source: QuoteSource;
  /** What the quote requests cost, the cookie and crumb handshake included. */
  httpStats: HttpStats;
}

/**
 * The quote source that goes with a history source, or null when it has none: only Yahoo serves quotes
 * (Alpha Vantage's free key could not spare a request per symbol for them). The requests are counted apart
 * from the history's, so the run metrics show what the quote phase cost; `httpGet` replaces the network
 * transport (tests, benches).
 */
export function createQuoteSource(
  historySource: string,
  config: TransportConfig & Pick<Config, 'yahooBaseUrl'>,
  options: { httpGet?: HttpGet } = {},
): ConfiguredQuoteSource | null {
  if (historySource !== 'yahoo') return null;
  const httpStats = new HttpStats();
  const transport = options.httpGet ?? createConfiguredHttpGet(config);
  return {
    source: new YahooQuoteSource({ httpGet: instrumentHttpGet(transport, httpStats), baseUrl: config.yahooBaseUrl }),
    httpStats,
  };
}
