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

/** Connection failures that say the host cannot be reached at all, as the socket layer names them. */
const UNREACHABLE =
  /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENETDOWN|ETIMEDOUT)\b ?([^\s()[\]]*)/;

/** A request that timed out before any byte of an answer: "timed out after 15000 ms before the response headers". */
const NO_ANSWER = /timed out after (\d+) ms before the response headers/;

/**
 * Why a failed request says the source's host cannot be reached (its name does not resolve, nothing
 * listens, no route, no connection within the connect timeout), e.g. "ENOTFOUND query2.finance.yahoo.com",
 * or that it accepts connections and never answers; null for any other failure (an answer, a reset after
 * connecting, a body that broke off).
 */
export function unreachableCause(error: unknown): string | null {
  if (!(error instanceof SourceError) || error.evidence.status !== undefined) return null;
  if (error.kind === 'timeout') {
    const t = NO_ANSWER.exec(error.message);
    return t ? `no answer within ${t[1]} ms` : null;
  }
  if (error.kind !== 'network') return null;
  const m = UNREACHABLE.exec(error.message);
  if (!m) return null;
  const within = /not open within \d+ ms/.exec(error.message);
  return `${m[1]}${m[2] ? ` ${m[2]}` : ''}${within ? `, ${within[0]}` : ''}`;
}

/**
 * The run stopped because the source cannot be reached: never retried, since every other request of the
 * run would meet the same closed door.
 */
export class SourceUnreachableError extends SourceError {
  constructor(sourceName: string, cause: string) {
    super(
      'network',
      `${SOURCE_LABELS[sourceName] ?? sourceName} is unreachable (${cause}); nothing fetched, stored data unchanged`,
    );
    this.name = 'SourceUnreachableError';
  }

  override get retryable(): boolean {
    return false;
  }
}

const SOURCE_LABELS: Record<string, string> = { yahoo: 'Yahoo', alphavantage: 'Alpha Vantage' };

/** Connection failures, with no answer from the source yet, after which a run stops as unreachable. */
export const UNREACHABLE_AFTER = 3;
