import type { z } from 'zod';
import { type HttpGet, type HttpHeadersLike, maskUrl } from './http-get.js';
import { SourceError, type SourceErrorKind } from './source.js';

/** How much of a body is kept as evidence in a SourceError. */
export const BODY_EVIDENCE_CHARS = 200;

/** One answered request: the status, headers and whole body text. */
export interface FetchedBody {
  /** The URL with credentials masked, for evidence. */
  url: string;
  status: number;
  headers: HttpHeadersLike;
  body: string;
}

/** Says which request a failure belongs to, in messages: "Yahoo chart for AAPL". */
export interface RequestContext {
  what: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  onAnswered?: (status: number) => void;
  sendBy?: number;
}

/**
 * Step "fetch" of every source pipeline: one GET, the body read whole. Errors of the transport keep their kind
 * and gain the request's name; nothing is retried here (the fetch engine decides that).
 */
export async function fetchBody(httpGet: HttpGet, url: string, ctx: RequestContext): Promise<FetchedBody> {
  const masked = maskUrl(url);
  try {
    const response = await httpGet(url, {
      signal: ctx.signal,
      headers: ctx.headers,
      onAnswered: ctx.onAnswered,
      sendBy: ctx.sendBy,
    });
    const body = await response.text();
    return { url: masked, status: response.status, headers: response.headers, body };
  } catch (error) {
    if (error instanceof SourceError) {
      throw new SourceError(error.kind, `${ctx.what}: ${error.message}`, { url: masked, ...error.evidence });
    }
    throw error;
  }
}

export function evidenceOf(r: FetchedBody): SourceError['evidence'] {
  const evidence: SourceError['evidence'] = {
    url: r.url,
    status: r.status,
    bodyStart: r.body.slice(0, BODY_EVIDENCE_CHARS),
  };
  const retryAfterMs = parseRetryAfter(r.headers.get('retry-after'));
  if (retryAfterMs !== undefined) evidence.retryAfterMs = retryAfterMs;
  return evidence;
}

export function sourceError(kind: SourceErrorKind, message: string, r: FetchedBody): SourceError {
  return new SourceError(kind, message, evidenceOf(r));
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The failures every Yahoo-like endpoint shares, by status: 429 -> 'rate-limited', 5xx -> 'server-error',
 * 401/403 -> 'auth', 404 -> 'not-found', other 4xx -> 'bad-request'. Returns null for 2xx/3xx.
 * `detail` is the provider's own explanation when the caller could read one from the body.
 */
export function statusError(r: FetchedBody, what: string, detail?: string): SourceError | null {
  const s = r.status;
  if (s >= 200 && s < 400) return null;
  const said = detail ? `: ${detail}` : r.body.trim() ? `: ${oneLine(r.body, 120)}` : '';
  if (s === 429) return sourceError('rate-limited', `${what} was throttled (HTTP 429${said})`, r);
  if (s >= 500) return sourceError('server-error', `${what} failed on the server (HTTP ${s}${said})`, r);
  if (s === 401 || s === 403) return sourceError('auth', `${what} was refused (HTTP ${s}${said})`, r);
  if (s === 404) return sourceError('not-found', `${what} found nothing (HTTP 404${said})`, r);
  return sourceError('bad-request', `${what} was rejected as a bad request (HTTP ${s}${said})`, r);
}

/** An HTML page where JSON was expected: a consent wall, an error page or a captive portal. */
export function looksLikeHtml(r: FetchedBody): boolean {
  const type = r.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) return true;
  const start = r.body.trimStart().slice(0, 15).toLowerCase();
  return start.startsWith('<!doctype') || start.startsWith('<html') || start.startsWith('<head');
}

/**
 * Parses a JSON body. A body cut off part-way (valid so far, then ends) is 'truncated', worth another try;
 * any other syntax error is 'malformed', and in a 2xx answer also garbled, so worth another try as well.
 */
export function parseJsonBody(r: FetchedBody, what: string, expected: string): unknown {
  try {
    return JSON.parse(r.body);
  } catch (error) {
    const reason = (error as Error).message;
    const kind = looksCutOff(r.body, reason) ? 'truncated' : 'malformed';
    const how = kind === 'truncated' ? 'ends part-way through' : 'is not valid JSON';
    const failure = sourceError(
      kind,
      `${what}: the body (${r.body.length} chars) ${how}; expected ${expected} (${reason})`,
      r,
    );
    // Broken JSON in a 2xx is a garbled answer (an edge or a proxy), not the source's word on the ticker.
    if (kind === 'malformed' && r.status >= 200 && r.status < 300) failure.evidence.garbled = true;
    throw failure;
  }
}

function looksCutOff(body: string, reason: string): boolean {
  const text = body.trimEnd();
  if (!(text.startsWith('{') || text.startsWith('['))) return false;
  if (/unexpected end|unterminated string/i.test(reason)) return true;
  // V8 names the offending position; a failure at the very end means the text simply stopped.
  const at = /position (\d+)/.exec(reason);
  return at !== null && Number(at[1]) >= text.length - 1;
}

/**
 * Step "validate" of a pipeline: the parsed body against its schema. A mismatch is 'malformed', naming the
 * first path that failed and what was expected there.
 */
export function validateBody<T extends z.ZodType>(schema: T, data: unknown, r: FetchedBody, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path =
    issue.path.length > 0
      ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
      : '(root)';
  throw sourceError(
    'malformed',
    `${what}: the response does not have the expected shape at ${path.replace(/^\./, '')}: ${issue.message}` +
      (parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more issue(s))` : ''),
    r,
  );
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
