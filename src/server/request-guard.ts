import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { parseBindHost } from '../config/index.js';
import { ApiError } from './api-error.js';
import { isLoopbackHost } from './is-loopback-host.js';

export interface RequestGuardOptions {
  /** The bind address, as parseBindHost gave it. */
  host: string;
  /** ALLOWED_HOSTS: comma-separated names, already normalised. */
  allowedHosts: string;
}

/**
 * What a browser on another site must not do with this server. A page the user visits can send requests to
 * 127.0.0.1 and, by pointing its own name at 127.0.0.1 (DNS rebinding), read the answers as same-origin:
 * so the server answers only Host values that name it, and takes state-changing requests only as JSON
 * (which a cross-site form or a "simple" fetch cannot send without a CORS preflight, which is never granted)
 * from its own origin.
 */
export interface RequestGuard {
  /** Throws MD_ERR_BAD_HOST when the Host header names no address of this server. */
  checkHost(req: IncomingMessage): void;
  /** Throws MD_ERR_UNSUPPORTED_MEDIA_TYPE or MD_ERR_CROSS_ORIGIN for a POST a foreign page could send. */
  checkStateChange(req: IncomingMessage): void;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export function createRequestGuard(opts: RequestGuardOptions): RequestGuard {
  const allowed = new Set<string>([opts.host, 'localhost']);
  if (isLoopbackHost(opts.host)) for (const h of LOOPBACK_NAMES) allowed.add(h);
  for (const h of opts.allowedHosts.split(',')) if (h !== '') allowed.add(h);
  // Bound to every interface: any address literal reaches it, and a literal cannot be rebound; names still
  // have to be listed.
  const anyAddress = WILDCARDS.has(opts.host);
  // The few Host values a server sees, remembered: the check runs on every request.
  const seen = new Map<string, boolean>();
  const hostAllowed = (hostHeader: string | undefined): boolean => {
    if (hostHeader === undefined) return false;
    let ok = seen.get(hostHeader);
    if (ok === undefined) {
      const name = hostName(hostHeader);
      ok = name !== null && (allowed.has(name) || (anyAddress && isIP(name) !== 0));
      if (seen.size >= 256) seen.clear();
      seen.set(hostHeader, ok);
    }
    return ok;
  };
  return {
    checkHost(req) {
      if (hostAllowed(req.headers.host)) return;
      throw new ApiError(
        'MD_ERR_BAD_HOST',
        // The accepted names are not listed: a rebound page can read this answer.
        `Host ${JSON.stringify(req.headers.host ?? '')} is not an address of this server; expected its bind address, ` +
          'localhost, or a name listed in ALLOWED_HOSTS',
      );
    },
    checkStateChange(req) {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        throw new ApiError(
          'MD_ERR_UNSUPPORTED_MEDIA_TYPE',
          `${req.method} ${pathOf(req)} takes Content-Type application/json; got ${JSON.stringify(type || '(none)')}`,
        );
      }
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw crossOrigin(req, `Sec-Fetch-Site is ${JSON.stringify(site)}`);
      }
      const origin = req.headers.origin;
      if (origin === undefined) return;
      let from: URL | null = null;
      try {
        from = new URL(origin);
      } catch {
        // "null" (a sandboxed frame, a file) or garbage: not this server's origin either way.
      }
      if (from === null || from.protocol !== 'http:' || from.host !== (req.headers.host ?? '').toLowerCase()) {
        throw crossOrigin(req, `Origin ${JSON.stringify(origin)} is not this server's`);
      }
    },
  };
}

/** The host part of a Host header, lower case, without port or IPv6 brackets; null when it is not one. */
function hostName(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(header.trim());
  if (!m) return null;
  return parseBindHost(m[1]);
}

function crossOrigin(req: IncomingMessage, why: string): ApiError {
  return new ApiError(
    'MD_ERR_CROSS_ORIGIN',
    `${req.method} ${pathOf(req)} refused: ${why}; state-changing requests are taken only from this server's own pages or from clients that are not browsers`,
  );
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}
