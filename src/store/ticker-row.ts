import type { EpochDay } from '../domain/epoch-day.js';
import type { TickerInfo } from '../domain/ticker.js';

/** A ticker's columns, as every adapter keeps them. */
export interface TickerRow {
  symbol: string;
  name: string | null;
  exchange: string | null;
  currency: string | null;
  type: string | null;
  sector: string | null;
  industry: string | null;
  market_cap: number | null;
  first_date: number | null;
  last_date: number | null;
}

export const TICKER_COLUMNS =
  'symbol, name, exchange, currency, type, sector, industry, market_cap, first_date, last_date';

export function tickerFromRow(r: TickerRow): TickerInfo {
  return {
    symbol: r.symbol,
    name: r.name,
    exchange: r.exchange,
    currency: r.currency,
    type: r.type,
    sector: r.sector,
    industry: r.industry,
    marketCap: r.market_cap,
    firstDate: r.first_date as EpochDay | null,
    lastDate: r.last_date as EpochDay | null,
  };
}
