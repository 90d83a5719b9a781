import { fetchBody, looksLikeHtml, sourceError, statusError } from '../fetch-body.js';
import type { HttpGet, HttpHeadersLike } from '../http-get.js';

/** A cookie header value and the crumb Yahoo issued for it; both go with every quote request. */
export interface YahooCredentials {
  cookie: string;
  crumb: string;
}

export interface YahooCrumbSessionOptions {
  httpGet: HttpGet;
  /** Base of the API: the crumb is `{baseUrl}/v1/test/getcrumb`. */
  baseUrl: string;
  /** The page whose answer sets the session cookie (Yahoo: https://fc.yahoo.com; the test server: {base}/cookie). */
  cookieUrl: string;
  headers?: Record<string, string>;
}

/**
 * Yahoo's cookie + crumb handshake for the v7 quote endpoint: visit a page that sets the session cookie,
 * then ask `/v1/test/getcrumb` (with that cookie) for the crumb. The pair is cached for the life of the
 * session and fetched once even when many quote batches ask at the same time; `invalidate()` drops it after
 * Yahoo answers 401/403 "Invalid Crumb".
 */
export class YahooCrumbSession {
  private current: Promise<YahooCredentials> | null = null;
  private settled: YahooCredentials | null = null;

  constructor(private readonly options: YahooCrumbSessionOptions) {}

  credentials(signal?: AbortSignal): Promise<YahooCredentials> {
    if (this.current === null) {
      const pending: Promise<YahooCredentials> = this.handshake(signal).then(
        (c) => {
          if (this.current === pending) this.settled = c;
          return c;
        },
        (error: unknown) => {
          // A failed handshake is not cached: the next call starts a new one.
          if (this.current === pending) this.current = null;
          throw error;
        },
      );
      this.current = pending;
    }
    return this.current;
  }

  /**
   * Forgets `stale` after Yahoo refused it. When another batch has already replaced it, the newer pair is
   * kept, so concurrent batches hitting one expired crumb cause one new handshake, not one each.
   */
  invalidate(stale: YahooCredentials): void {
    if (this.settled === stale) {
      this.current = null;
      this.settled = null;
    }
  }

  private async handshake(signal?: AbortSignal): Promise<YahooCredentials> {
    const { httpGet, baseUrl, cookieUrl, headers } = this.options;
    const page = await fetchBody(httpGet, cookieUrl, {
      what: 'Yahoo session cookie page',
      signal,
      headers: { ...headers, accept: 'text/html,application/xhtml+xml,application/xml' },
    });
    // fc.yahoo.com answers 404 and still sets the cookie, so only throttling and server errors count here.
    if (page.status === 429 || page.status >= 500) throw statusError(page, 'Yahoo session cookie page');
    const cookie = cookieHeaderFrom(page.headers);
    if (cookie === '') {
      throw sourceError(
        'auth',
        `Yahoo session cookie page (HTTP ${page.status}) set no cookie; expected a Set-Cookie header`,
        page,
      );
    }

    const what = 'Yahoo crumb';
    const r = await fetchBody(httpGet, `${baseUrl}/v1/test/getcrumb`, {
      what,
      signal,
      headers: { ...headers, accept: '*/*', cookie },
    });
    const failed = statusError(r, what);
    if (failed) throw failed;
    if (looksLikeHtml(r)) throw sourceError('html', `${what}: got an HTML page where a crumb was expected`, r);
    const crumb = r.body.trim();
    if (!/^[^\s<>{}"]{1,64}$/.test(crumb)) {
      throw sourceError('malformed', `${what}: body "${crumb.slice(0, 40)}" is not a crumb; expected a short token`, r);
    }
    return { cookie, crumb };
  }
}

/** `name=value; name2=value2` from the response's Set-Cookie headers (attributes dropped). */
export function cookieHeaderFrom(headers: HttpHeadersLike): string {
  let lines: string[];
  if (typeof headers.getSetCookie === 'function') lines = headers.getSetCookie();
  else {
    const joined = headers.get('set-cookie');
    // A joined header separates cookies with ", " — but Expires dates contain ", " too, so split only before "name=".
    lines = joined ? joined.split(/,\s*(?=[A-Za-z0-9_.-]+=)/) : [];
  }
  return lines
    .map((line) => line.split(';')[0].trim())
    .filter((pair) => pair.includes('=') && !pair.startsWith('='))
    .join('; ');
}
