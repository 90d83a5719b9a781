import { ApiError } from './api-error.js';

/** 400 MD_ERR_BAD_PARAM naming the parameter, the value and what is allowed. */
export function badParam(name: string, value: string, allowed: string): ApiError {
  return new ApiError(
    'MD_ERR_BAD_PARAM',
    `query parameter "${name}" has the value ${JSON.stringify(value)}, which is not allowed; expected ${allowed}`,
  );
}

/** Endpoints without parameters still refuse them, so a misspelt filter is never silently ignored. */
export function noParams(url: URL): void {
  for (const [name, value] of url.searchParams) throw badParam(name, value, 'no query parameters on this endpoint');
}
