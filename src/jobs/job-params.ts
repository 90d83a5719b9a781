import { z } from 'zod';
import { parseDuration } from '../config/index.js';
import { HISTORY_SOURCES } from '../fetch/create-history-source.js';
import type { JobKind } from './job-kinds.js';

/** A universe spec as `--universe` takes it: `sp500`, `cached`, `file:PATH`, ... (resolved when the job runs). */
const universe = z.string().trim().min(1).max(1024);
/** Explicit tickers, as `--tickers A,B` or a list; symbols are checked when the job resolves them. */
const tickers = z.union([z.string().max(200_000), z.array(z.string().max(32)).max(20_000)]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
/** What a duration (`--max-age`, FETCH_MAX_AGE, a job's maxAge) looks like, for the messages refusing one. */
export const DURATION_EXPECTED = 'expected a number and a unit, e.g. 90s, 30m, 24h, 7d';
/** How long ago a ticker may have been fetched and still count as fresh (skipped). */
const duration = z
  .string()
  .max(32)
  .refine((v) => parseDuration(v) !== undefined, `not a duration; ${DURATION_EXPECTED}`);

const fetchFields = {
  universe,
  tickers,
  source: z.enum(HISTORY_SOURCES),
  forceRefresh: z.boolean(),
  /** Default: the fetching process's FETCH_MAX_AGE. */
  maxAge: duration,
  /** false skips the quote phase that follows a Yahoo history fetch. */
  quotes: z.boolean(),
  maxStocks: z.int().min(1).max(100_000_000),
  /** Only tickers not stored yet: "add more stocks". */
  expand: z.boolean(),
  maxConcurrent: z.int().min(1).max(256),
  from: isoDate,
  refetchGaps: z.boolean(),
};
const analyzeFields = { universe, tickers, full: z.boolean() };
/**
 * A backfill's request, as `marketdeck backfill` takes it: `universe` or `tickers` (not both), `days` (the last
 * N days) or `from` say where the gaps start (not both), `gaps: false` downloads the whole range again,
 * `workers` default to what the source's rate limit allows.
 */
const backfillParams = z
  .strictObject({
    universe,
    tickers,
    days: z.int().min(1).max(36_500),
    from: isoDate,
    workers: z.int().min(1).max(256),
    gaps: z.boolean(),
    source: fetchFields.source,
  })
  .partial()
  .refine((p) => p.days === undefined || p.from === undefined, {
    path: ['from'],
    message: 'days and from both say where to start; give one of them',
  })
  .refine((p) => p.universe === undefined || p.tickers === undefined, {
    path: ['tickers'],
    message: 'universe and tickers both name the tickers; give one of them',
  });

/**
 * Each job kind's params, its request type: the API refuses a field a kind does not take (a misspelt
 * option is never silently ignored) and a value out of range, naming both.
 */
export const JOB_PARAM_SCHEMAS = {
  fetch: z.strictObject(fetchFields).partial(),
  backfill: backfillParams,
  analyze: z.strictObject(analyzeFields).partial(),
  precompute: z.strictObject({ full: z.boolean() }).partial(),
  update: z.strictObject({ ...fetchFields, ...analyzeFields }).partial(),
  report: z
    .strictObject({
      tickers,
      portfolio: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a portfolio name'),
      underperformers: z.boolean(),
      analyst: z.enum(['rules', 'llm']),
      batchSize: z.int().min(1).max(64),
      benchmark: z.string().trim().min(1).max(32),
      prefetch: z.boolean(),
    })
    .partial(),
} satisfies Record<JobKind, z.ZodType>;

export type JobParams<K extends JobKind> = z.output<(typeof JOB_PARAM_SCHEMAS)[K]>;

export class JobParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobParamsError';
  }
}

/** The params of a job of this kind, validated; throws JobParamsError naming the field, the value and what fits. */
export function parseJobParams<K extends JobKind>(kind: K, params: unknown): JobParams<K> {
  const parsed = JOB_PARAM_SCHEMAS[kind].safeParse(params ?? {});
  if (parsed.success) return parsed.data as JobParams<K>;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new JobParamsError(
      `a ${kind} job takes no param(s) ${issue.keys.join(', ')}; it takes ${Object.keys(JOB_PARAM_SCHEMAS[kind].shape).join(', ')}`,
    );
  }
  const field = issue.path.map(String).join('.');
  const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], params);
  const shown = JSON.stringify(value) ?? 'undefined';
  throw new JobParamsError(
    `param "${field}" of a ${kind} job is ${shown.length > 80 ? `${shown.slice(0, 80)}...` : shown}; ` +
      issue.message.replace(/^Invalid input: /, ''),
  );
}
