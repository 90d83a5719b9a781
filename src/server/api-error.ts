import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** An error the API answers with as `{ error: { code, message } }` and the code's registered status. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code].status;
  }
}
