import type { ServerResponse } from 'node:http';
import type { ApiError } from './api-error.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * Headers every JSON answer carries: the security headers, and nosniff so that a browser never reads a
 * payload as anything else. Every answer passes all its headers to writeHead at once (none set before),
 * which lets Node write them without building a header map per request.
 */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendApiError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}
