import type { JobKind } from '../jobs/job-kinds.js';
import { type JobParams, JobParamsError, parseJobParams } from '../jobs/job-params.js';
import { ApiError } from './api-error.js';
import { checkRemoteUniverse } from './remote-universe.js';

/** A job's params from a request body, by the kind's schema: 400 MD_ERR_BAD_BODY naming what does not fit. */
export function jobParamsOfBody<K extends JobKind>(kind: K, params: unknown): JobParams<K> {
  try {
    return parseJobParams(kind, params);
  } catch (error) {
    if (error instanceof JobParamsError) throw new ApiError('MD_ERR_BAD_BODY', error.message);
    throw error;
  }
}

/** A job's params as the API takes them: the kind's schema, and a universe a remote client may name. */
export async function checkJobParams(
  kind: JobKind,
  params: Record<string, unknown>,
  universeDir: string,
): Promise<Record<string, unknown>> {
  const checked: Record<string, unknown> = jobParamsOfBody(kind, params);
  if (typeof checked.universe !== 'string') return checked;
  return { ...checked, universe: await checkRemoteUniverse(checked.universe, universeDir) };
}
