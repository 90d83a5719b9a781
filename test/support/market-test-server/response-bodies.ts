import { AsciiWriter } from './ascii-writer.js';
import type { ServedSeries } from './market-model.js';
import { zoneAbbreviation, zoneOffsetSeconds } from './zoned-time.js';

/**
 * Response bodies in the formats Yahoo and Alpha Vantage send (see test/fixtures/yahoo and
 * docs/wire-formats.md). Chart bodies are built as strings with a fast number formatter: a whole-market run
 * asks for thousands of them and the server must not be the bottleneck.
 */

/** Exactly the body of the recorded SI 404 (historical-via-chart-SI-2020-01-01-to-2020-01-03.json). */
export const CHART_NOT_FOUND_BODY =
  '{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}';

export function chartBadRequestBody(description: string): string {
  return JSON.stringify({ chart: { result: null, error: { code: 'Bad Request', description } } });
}

export const INVALID_CRUMB_BODY =
  '{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}';
export const INVALID_COOKIE_BODY =
  '{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Cookie"}}}';

export const HTML_PAGE_BODY =
  '<!DOCTYPE html><html lang="en-us"><head><meta charset="utf-8"><title>Yahoo</title></head>' +
  '<body><h1>Will be right back...</h1><p>Thank you for your patience. Our engineers are working quickly to resolve the issue.</p></body></html>';

/** ".0001" ... ".9999" with trailing zeros dropped ("" for 0): formatting a price is then one table lookup. */
const FRACTIONS: readonly string[] = Array.from({ length: 10_000 }, (_, f) =>
  f === 0 ? '' : `.${String(f).padStart(4, '0').replace(/0+$/, '')}`,
);

/** Shortest decimal with at most 4 places; NaN -> null (Yahoo's marker for an incomplete bar). */
export function num4(x: number): string {
  if (Number.isNaN(x)) return 'null';
  let v = Math.round(x * 10_000);
  let sign = '';
  if (v < 0) {
    sign = '-';
    v = -v;
  }
  const whole = Math.floor(v / 10_000);
  return sign + whole + FRACTIONS[v - whole * 10_000];
}

function intOrNull(x: number): string {
  return Number.isNaN(x) ? 'null' : `${Math.round(x)}`;
}

export interface ChartBodyOptions {
  /** Bars [start, end) of the served series. */
  start: number;
  end: number;
  dividends: boolean;
  splits: boolean;
  adjClose: boolean;
  /** Append the still-open next session as a bar of nulls (Yahoo does this during market hours). */
  openDayTimestamp?: number;
  /** Repeat the last bar under a later timestamp of the same day (a Yahoo quirk around the close). */
  duplicateLast?: boolean;
}

export function chartBody(s: ServedSeries, o: ChartBodyOptions): Buffer {
  const n = s.dates.length;
  const last = n - 1;
  const marketTime = n > 0 ? s.timestamps[last] + 6.5 * 3600 : 0;
  const gmtoffset = zoneOffsetSeconds(s.exchange.timezone, marketTime);
  const abbreviation = zoneAbbreviation(s.exchange.timezone, marketTime);
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  for (let i = Math.max(0, n - 252); i < n; i++) {
    if (s.high[i] > hi) hi = s.high[i];
    if (s.low[i] < lo) lo = s.low[i];
  }
  const period = (start: number, end: number) =>
    `{"timezone":"${abbreviation}","start":${start},"end":${end},"gmtoffset":${gmtoffset}}`;
  const regularStart = Math.round(marketTime - 6.5 * 3600);
  const meta =
    `{"currency":"${s.exchange.currency}","symbol":${JSON.stringify(s.yahooSymbol)},"exchangeName":"${s.exchange.exchangeName}",` +
    `"fullExchangeName":"${s.exchange.fullExchangeName}","instrumentType":"${s.exchange.instrumentType}",` +
    `"firstTradeDate":${n > 0 ? s.timestamps[0] : 'null'},"regularMarketTime":${Math.round(marketTime)},"hasPrePostMarketData":true,` +
    `"gmtoffset":${gmtoffset},"timezone":"${abbreviation}","exchangeTimezoneName":"${s.exchange.timezone}",` +
    `"regularMarketPrice":${n > 0 ? num4(s.close[last]) : 'null'},"fiftyTwoWeekHigh":${n > 0 ? num4(hi) : 'null'},` +
    `"fiftyTwoWeekLow":${n > 0 ? num4(lo) : 'null'},"regularMarketDayHigh":${n > 0 ? num4(s.high[last]) : 'null'},` +
    `"regularMarketDayLow":${n > 0 ? num4(s.low[last]) : 'null'},"regularMarketVolume":${n > 0 ? intOrNull(s.volume[last]) : 'null'},` +
    `"longName":${JSON.stringify(s.name)},"shortName":${JSON.stringify(s.name)},` +
    `"chartPreviousClose":${o.start > 0 ? num4(s.close[o.start - 1]) : n > 0 ? num4(s.close[0]) : 'null'},"priceHint":2,` +
    `"currentTradingPeriod":{"pre":${period(regularStart - 5.5 * 3600, regularStart)},"regular":${period(regularStart, Math.round(marketTime))},` +
    `"post":${period(Math.round(marketTime), Math.round(marketTime) + 4 * 3600)}},` +
    `"dataGranularity":"1d","range":"","validRanges":["1d","5d","1mo","3mo","6mo","1y","2y","5y","10y","ytd","max"]}`;

  const { start, end } = o;
  const w = new AsciiWriter(256 + (end - start) * 64);
  w.str(`{"chart":{"result":[{"meta":${meta},`);
  const extraTs: number[] = [];
  if (o.duplicateLast && end > start) extraTs.push(s.timestamps[end - 1] + 3600);
  if (o.openDayTimestamp !== undefined) extraTs.push(o.openDayTimestamp);
  if (end <= start && extraTs.length === 0) {
    w.str(`"indicators":{"quote":[{}]${o.adjClose ? ',"adjclose":[{}]' : ''}}}],"error":null}}`);
    return w.toBuffer();
  }
  const extra = (values: Float64Array): number[] => {
    const out: number[] = [];
    if (o.duplicateLast && end > start) out.push(values[end - 1]);
    if (o.openDayTimestamp !== undefined) out.push(Number.NaN);
    return out;
  };
  w.str('"timestamp":').array(s.timestamps, start, end, 'int', extraTs).byte(44);

  const divs = o.dividends ? s.dividends.filter((d) => inWindow(s, d.date, start, end)) : [];
  const splits = o.splits ? s.splits.filter((d) => inWindow(s, d.date, start, end)) : [];
  if (divs.length > 0 || splits.length > 0) {
    const parts: string[] = [];
    if (divs.length > 0) {
      parts.push(
        `"dividends":{${divs.map((d) => `"${d.timestamp}":{"amount":${num4(d.amount)},"date":${d.timestamp}}`).join(',')}}`,
      );
    }
    if (splits.length > 0) {
      parts.push(
        `"splits":{${splits
          .map(
            (x) =>
              `"${x.timestamp}":{"date":${x.timestamp},"numerator":${x.numerator},"denominator":${x.denominator},"splitRatio":"${x.numerator}:${x.denominator}"}`,
          )
          .join(',')}}`,
      );
    }
    w.str(`"events":{${parts.join(',')}},`);
  }
  w.str('"indicators":{"quote":[{"open":').array(s.open, start, end, 'num4', extra(s.open));
  w.str(',"high":').array(s.high, start, end, 'num4', extra(s.high));
  w.str(',"low":').array(s.low, start, end, 'num4', extra(s.low));
  w.str(',"close":').array(s.close, start, end, 'num4', extra(s.close));
  w.str(',"volume":').array(s.volume, start, end, 'int', extra(s.volume));
  w.str('}]');
  if (o.adjClose) w.str(',"adjclose":[{"adjclose":').array(s.adjClose, start, end, 'num4', extra(s.adjClose)).str('}]');
  w.str('}}],"error":null}}');
  return w.toBuffer();
}

function inWindow(s: ServedSeries, date: number, start: number, end: number): boolean {
  if (end <= start) return false;
  return date >= s.dates[start] && date <= s.dates[end - 1];
}

/** One v7 quote entry with the fields screeners read, in Yahoo's names and units (dividendYield in percent). */
export function quoteItem(s: ServedSeries, shares: number, eps: number): Record<string, unknown> {
  const n = s.dates.length;
  const last = n - 1;
  const price = n > 0 ? round(s.close[last], 4) : null;
  let hi = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  let volumeSum = 0;
  let volumeDays = 0;
  for (let i = Math.max(0, n - 252); i < n; i++) {
    if (s.high[i] > hi) hi = s.high[i];
    if (s.low[i] < lo) lo = s.low[i];
  }
  for (let i = Math.max(0, n - 63); i < n; i++) {
    if (Number.isFinite(s.volume[i])) {
      volumeSum += s.volume[i];
      volumeDays++;
    }
  }
  const yearAgo = n > 0 ? s.dates[last] - 365 : 0;
  const annualDividends = s.dividends.filter((d) => d.date > yearAgo).reduce((sum, d) => sum + d.amount, 0);
  const marketTime = n > 0 ? Math.round(s.timestamps[last] + 6.5 * 3600) : 0;
  return {
    language: 'en-US',
    region: 'US',
    quoteType: s.exchange.instrumentType,
    typeDisp: s.exchange.instrumentType === 'EQUITY' ? 'Equity' : s.exchange.instrumentType,
    quoteSourceName: 'Test Server Price',
    triggerable: true,
    currency: s.exchange.currency,
    shortName: s.name,
    longName: s.name,
    marketState: 'CLOSED',
    regularMarketPrice: price,
    regularMarketTime: marketTime,
    regularMarketDayHigh: n > 0 ? round(s.high[last], 4) : null,
    regularMarketDayLow: n > 0 ? round(s.low[last], 4) : null,
    regularMarketVolume: n > 0 ? s.volume[last] : null,
    regularMarketPreviousClose: n > 1 ? round(s.close[last - 1], 4) : null,
    fullExchangeName: s.exchange.fullExchangeName,
    averageDailyVolume3Month: volumeDays > 0 ? Math.round(volumeSum / volumeDays) : null,
    fiftyTwoWeekLow: n > 0 ? round(lo, 4) : null,
    fiftyTwoWeekHigh: n > 0 ? round(hi, 4) : null,
    trailingAnnualDividendRate: round(annualDividends, 4),
    trailingAnnualDividendYield: price ? round(annualDividends / price, 8) : null,
    dividendYield: price ? round((annualDividends / price) * 100, 2) : null,
    epsTrailingTwelveMonths: eps,
    trailingPE: price && eps > 0 ? round(price / eps, 6) : null,
    forwardPE: price && eps > 0 ? round(price / (eps * 1.1), 6) : null,
    sharesOutstanding: shares,
    marketCap: price ? Math.round(price * shares) : null,
    exchange: s.exchange.exchangeName,
    exchangeTimezoneName: s.exchange.timezone,
    market: s.exchange.market,
    symbol: s.yahooSymbol,
  };
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

export const AV_DAILY_LIMIT_TEXT = (apiKey: string, perDay: number) =>
  `We have detected your API key as ${apiKey} and our standard API rate limit is ${perDay} requests per day. ` +
  'Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.';

export const AV_BURST_TEXT =
  'Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly (1 request per second). ' +
  'You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day), ' +
  'or contact premium@alphavantage.co if you are targeting a higher API call volume.';

export const AV_NOTE_TEXT =
  'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. ' +
  'Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency.';

export const AV_PREMIUM_ENDPOINT_TEXT =
  'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at ' +
  'https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints';

export const AV_PREMIUM_FULL_TEXT = (fn: string) =>
  `Thank you for using Alpha Vantage! The outputsize=full parameter value is a premium feature for the ${fn} endpoint. ` +
  'You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium features';

export const AV_BAD_KEY_TEXT =
  'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). ' +
  'It should take less than 20 seconds.';

export const AV_INVALID_CALL_TEXT = (fn: string) =>
  `Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for ${fn}.`;

const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * TIME_SERIES_DAILY[_ADJUSTED], newest date first, every value a string. Prices are as traded (Alpha Vantage
 * does not split-adjust OHLC); the adjusted variant adds adjusted close, dividend amount and split coefficient.
 */
export function alphaVantageDailyBody(s: ServedSeries, adjusted: boolean, compact: boolean): string {
  const n = s.dates.length;
  const start = compact ? Math.max(0, n - 100) : 0;
  const dividendOn = new Map<number, number>();
  for (const d of s.dividends) dividendOn.set(d.date, d.amount);
  const splitOn = new Map<number, number>();
  for (const x of s.splits) splitOn.set(x.date, x.numerator / x.denominator);
  const rows: string[] = [];
  for (let i = n - 1; i >= start; i--) {
    if (!Number.isFinite(s.close[i])) continue;
    const f = s.tradedFactor[i];
    const p = (x: number) => `"${(x * f).toFixed(4)}"`;
    const volume = `"${Math.round(s.volume[i] / f)}"`;
    let row = `"1. open":${p(s.open[i])},"2. high":${p(s.high[i])},"3. low":${p(s.low[i])},"4. close":${p(s.close[i])},`;
    if (adjusted) {
      row +=
        `"5. adjusted close":"${s.adjClose[i].toFixed(4)}","6. volume":${volume},` +
        `"7. dividend amount":"${((dividendOn.get(s.dates[i]) ?? 0) * f).toFixed(4)}",` +
        `"8. split coefficient":"${(splitOn.get(s.dates[i]) ?? 1).toFixed(1)}"`;
    } else {
      row += `"5. volume":${volume}`;
    }
    rows.push(`"${isoDay(s.dates[i])}":{${row}}`);
  }
  const meta = {
    '1. Information': adjusted
      ? 'Daily Time Series with Splits and Dividend Events'
      : 'Daily Prices (open, high, low, close) and Volumes',
    '2. Symbol': s.symbol,
    '3. Last Refreshed': n > 0 ? isoDay(s.dates[n - 1]) : '',
    '4. Output Size': compact ? 'Compact' : 'Full size',
    '5. Time Zone': 'US/Eastern',
  };
  return `{"Meta Data":${JSON.stringify(meta)},"Time Series (Daily)":{${rows.join(',')}}}`;
}
