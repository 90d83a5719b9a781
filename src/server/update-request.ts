import { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * POST /api/update: the dashboard's "Update data" and "Add more stocks" (and the scripts of the dashboard
 * this one replaces, which send `{"universe": "sp500", "expand": true}`), as an update job's params.
 */
const UPDATE_REQUEST = z.strictObject({
  universe: z.string().optional(),
  tickers: z.union([z.string(), z.array(z.string())]).optional(),
  expand: z.boolean().optional(),
  maxStocks: z.int().optional(),
  /** Refetch tickers that are still fresh: the job param `forceRefresh`, as `--force-refresh` spells it. */
  forceRefresh: z.boolean().optional(),
  /** The older spelling of `forceRefresh`, still sent by the dashboard's run settings and kept for them. */
  force: z.boolean().optional(),
  maxConcurrent: z.int().optional(),
});

const BODY_FIELDS = '{universe?, tickers?, expand?, maxStocks?, forceRefresh? (or its alias force), maxConcurrent?}';

/** The update job's params; the ranges are the job's own (checked by its schema next). */
export function parseUpdateRequest(body: unknown): Record<string, unknown> {
  const parsed = UPDATE_REQUEST.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue.code === 'unrecognized_keys' ? `field(s) ${issue.keys.join(', ')}` : `field "${issue.path.join('.')}"`;
    throw new ApiError('MD_ERR_BAD_BODY', `${where}: ${issue.message}; the body is ${BODY_FIELDS}`);
  }
  const { force, forceRefresh, ...rest } = parsed.data;
  if (force !== undefined && forceRefresh !== undefined && force !== forceRefresh) {
    throw new ApiError(
      'MD_ERR_BAD_BODY',
      `fields "forceRefresh" (${forceRefresh}) and its alias "force" (${force}) disagree; send only forceRefresh`,
    );
  }
  const params: Record<string, unknown> = { ...rest, forceRefresh: forceRefresh ?? force };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  return params;
}
