import { isSecretParam, maskUrl } from './mask-url.js';
import { SourceError } from './source.js';

/** The answers whose Location is followed. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Redirects followed before giving up, as fetch does. */
export const DEFAULT_MAX_REDIRECTS = 20;

/** Request headers that carry the caller's identity; `HttpGetInit.credentialHeaders` names more. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['cookie', 'authorization', 'proxy-authorization']);

/** Where a redirect leads, and whether the request's credentials may go along. */
export interface RedirectHop {
  target: URL;
  /** The target is another origin (scheme, host, port) than the one redirecting: credentials stay behind. */
  crossOrigin: boolean;
}

/**
 * The rules both transports follow a redirect by, so that a source's session never leaks: the Location
 * is read against the URL that answered; https -> http is refused ('insecure-redirect', final: the request
 * and its cookie would cross the network in the clear); a target on another origin loses the credential
 * query parameters (crumb, apikey, token) a Location may echo, and the caller drops its credential headers
 * (see isCredentialHeader). Throws a SourceError naming the masked URLs.
 */
export function redirectHop(from: URL, location: string, evidenceUrl: string, status: number): RedirectHop {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new SourceError('network', `GET ${evidenceUrl} redirected to "${maskUrl(location)}", which is not a URL`, {
      url: evidenceUrl,
      status,
    });
  }
  if (from.protocol === 'https:' && target.protocol === 'http:') {
    throw new SourceError(
      'insecure-redirect',
      `GET ${evidenceUrl} redirected from https to plain http (${maskUrl(target.href)}); refused, as the request and its credentials would travel unencrypted`,
      { url: evidenceUrl, status },
    );
  }
  const crossOrigin = target.origin !== from.origin;
  if (crossOrigin) {
    for (const name of [...target.searchParams.keys()]) if (isSecretParam(name)) target.searchParams.delete(name);
  }
  return { target, crossOrigin };
}

/** Whether a request header (lower-case name) is a credential, by default or because the caller says so. */
export function isCredentialHeader(name: string, extra: readonly string[] | undefined): boolean {
  return CREDENTIAL_HEADERS.has(name) || (extra?.some((e) => e.toLowerCase() === name) ?? false);
}
