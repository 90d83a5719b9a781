import { z } from 'zod';

/**
 * The parts of Yahoo's v8 chart response marketdeck reads (see docs/wire-formats.md). Unknown keys are
 * ignored, so new fields Yahoo adds never break a fetch; every field read is checked here.
 */

/**
 * A column of a chart answer (timestamps, prices, volumes), checked by one tight loop instead of a zod schema
 * per element: a five-year history holds ~9,000 numbers, and checking each through zod cost more CPU than the
 * rest of handling the request. It reports what `z.array(z.number())` (`.nullable()` elements when `nullable`)
 * reports: the same issue per bad element, at the element's index, with the same message.
 */
function numberColumn<T extends number | null>(nullable: boolean) {
  return z.custom<T[]>().superRefine((value, ctx) => {
    if (!Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `Invalid input: expected array, received ${typeName(value)}` });
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x === 'number' ? Number.isFinite(x) : x === null && nullable) continue;
      ctx.addIssue({ code: 'custom', path: [i], message: `Invalid input: expected number, received ${typeName(x)}` });
    }
  });
}

/** The name zod gives a value's type in "received ..." messages. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : 'Infinity';
  return typeof value;
}

/** Any element may be null: a holiday, a halted day, or the still-open current day. */
const nullableNumbers = numberColumn<number | null>(true);

const chartMetaSchema = z.object({
  symbol: z.string().optional(),
  currency: z.string().nullish(),
  exchangeName: z.string().nullish(),
  fullExchangeName: z.string().nullish(),
  instrumentType: z.string().nullish(),
  /** The zone the session-start timestamps are read in to get trading dates. */
  exchangeTimezoneName: z.string().min(1),
  gmtoffset: z.number().nullish(),
  longName: z.string().nullish(),
  shortName: z.string().nullish(),
});

const dividendEventSchema = z.object({ amount: z.number(), date: z.number() });

const splitEventSchema = z.object({
  date: z.number(),
  numerator: z.number(),
  denominator: z.number(),
  splitRatio: z.string().optional(),
});

export const chartResultSchema = z.object({
  meta: chartMetaSchema,
  /** Absent when the range holds no bars. */
  timestamp: numberColumn<number>(false).optional(),
  events: z
    .object({
      dividends: z.record(z.string(), dividendEventSchema).optional(),
      splits: z.record(z.string(), splitEventSchema).optional(),
    })
    .optional(),
  indicators: z.object({
    /** `[{}]` when the range holds no bars. */
    quote: z
      .array(
        z.object({
          open: nullableNumbers.optional(),
          high: nullableNumbers.optional(),
          low: nullableNumbers.optional(),
          close: nullableNumbers.optional(),
          volume: nullableNumbers.optional(),
        }),
      )
      .min(1),
    /** Missing for some instruments (FX, some funds). */
    adjclose: z.array(z.object({ adjclose: nullableNumbers.optional() })).optional(),
  }),
});

export const yahooErrorSchema = z.object({ code: z.string(), description: z.string().nullish() });

export const chartResponseSchema = z.object({
  chart: z.object({
    result: z.array(chartResultSchema).nullable(),
    error: yahooErrorSchema.nullable(),
  }),
});

export type ChartResult = z.output<typeof chartResultSchema>;
export type ChartResponse = z.output<typeof chartResponseSchema>;
