import { SourceError, type SourceErrorKind } from '../sources/source.js';

/**
 * Source failures after which no other request of the run can succeed (the daily quota is spent, the key or
 * the crumb is refused): the remaining tickers or batches fail at once instead of each spending a request
 * on the same answer.
 */
export const RUN_STOPPING_KINDS: ReadonlySet<SourceErrorKind> = new Set(['quota', 'auth']);

/** The kind a failure is counted and recorded under; anything that is not a source's answer is 'error'. */
export function errorKindOf(error: unknown): SourceErrorKind | 'error' {
  return error instanceof SourceError ? error.kind : 'error';
}
