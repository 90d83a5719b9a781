import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import { isLoopbackHost } from './is-loopback-host.js';

/**
 * Who may change state (queue jobs, refresh): anyone on this machine when the server listens on loopback
 * and no API_TOKEN is set; otherwise only a request with `Authorization: Bearer <API_TOKEN>`.
 */
export interface BearerAuth {
  readonly required: boolean;
  /** Throws MD_ERR_UNAUTHORIZED when the request may not change state. */
  check(req: IncomingMessage): void;
}

export class UnsafeBindingError extends Error {
  constructor(host: string) {
    super(
      `refusing to serve on "${host}" without API_TOKEN: that address is reachable from other machines, ` +
        'so set API_TOKEN (state-changing requests must then send "Authorization: Bearer <token>") or use HOST=127.0.0.1',
    );
    this.name = 'UnsafeBindingError';
  }
}

/** Throws UnsafeBindingError for a non-loopback host without a token. */
export function createBearerAuth(host: string, apiToken: string): BearerAuth {
  const loopback = isLoopbackHost(host);
  if (!loopback && apiToken === '') throw new UnsafeBindingError(host);
  const required = apiToken !== '';
  const expected = digest(apiToken);
  return {
    required,
    check(req) {
      if (!required) return;
      const header = req.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header.trim());
      // Digests of equal length, so the comparison takes the same time whatever the token sent.
      if (!match || !timingSafeEqual(digest(match[1]), expected)) {
        throw new ApiError(
          'MD_ERR_UNAUTHORIZED',
          `${req.method} ${req.url?.split('?')[0]} changes state and needs "Authorization: Bearer <API_TOKEN>"` +
            (match ? '; the token sent is not API_TOKEN' : '; none was sent'),
          { 'www-authenticate': 'Bearer' },
        );
      }
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
