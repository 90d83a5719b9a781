import { z } from 'zod';

/** Alpha Vantage sends every number as a string ("167.1700", "2255283"); they are checked when coerced. */
const numeric = z.string();

export const dailyRowSchema = z.object({
  '1. open': numeric,
  '2. high': numeric,
  '3. low': numeric,
  '4. close': numeric,
  '5. volume': numeric,
});

export const dailyAdjustedRowSchema = z.object({
  '1. open': numeric,
  '2. high': numeric,
  '3. low': numeric,
  '4. close': numeric,
  '5. adjusted close': numeric,
  '6. volume': numeric,
  '7. dividend amount': numeric,
  '8. split coefficient': numeric,
});

const metaDataSchema = z.object({
  '2. Symbol': z.string(),
  '3. Last Refreshed': z.string().optional(),
  '5. Time Zone': z.string().optional(),
});

export const dailyResponseSchema = z.object({
  'Meta Data': metaDataSchema,
  'Time Series (Daily)': z.record(z.string(), dailyRowSchema),
});

export const dailyAdjustedResponseSchema = z.object({
  'Meta Data': metaDataSchema,
  'Time Series (Daily)': z.record(z.string(), dailyAdjustedRowSchema),
});

/** Throttling and errors arrive with HTTP 200 under one of these keys instead of the data. */
export const alphaVantageMessageSchema = z.object({
  Information: z.string().optional(),
  Note: z.string().optional(),
  'Error Message': z.string().optional(),
});
