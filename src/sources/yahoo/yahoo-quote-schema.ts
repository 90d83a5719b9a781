import { z } from 'zod';
import { yahooErrorSchema } from './yahoo-chart-schema.js';

/**
 * One entry of Yahoo's v7 quote result. Only `symbol` is required: a field of an unexpected type reads as
 * absent (`catch`) instead of failing the whole batch of 100, since quotes are enrichment, not history.
 */
const optionalNumber = z.number().nullish().catch(undefined);
const optionalText = z.string().nullish().catch(undefined);

export const quoteItemSchema = z.object({
  symbol: z.string().min(1),
  quoteType: optionalText,
  longName: optionalText,
  shortName: optionalText,
  displayName: optionalText,
  exchange: optionalText,
  currency: optionalText,
  regularMarketPrice: optionalNumber,
  marketCap: optionalNumber,
  trailingPE: optionalNumber,
  forwardPE: optionalNumber,
  epsTrailingTwelveMonths: optionalNumber,
  /** In percent (0.41 for AAPL in 2025), unlike trailingAnnualDividendYield (0.0041). */
  dividendYield: optionalNumber,
  trailingAnnualDividendYield: optionalNumber,
  fiftyTwoWeekHigh: optionalNumber,
  fiftyTwoWeekLow: optionalNumber,
  averageDailyVolume3Month: optionalNumber,
  sharesOutstanding: optionalNumber,
});

export const quoteResponseSchema = z.object({
  quoteResponse: z.object({
    result: z.array(quoteItemSchema),
    error: yahooErrorSchema.nullable(),
  }),
});

export type QuoteItem = z.output<typeof quoteItemSchema>;
