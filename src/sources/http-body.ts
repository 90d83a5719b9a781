import zlib from 'node:zlib';
import { SourceError } from './source.js';

/** Where a request was when it failed: the error kind and message depend on it. */
export type HttpPhase = 'before the response headers' | 'while reading the body';

/**
 * A whole response body as text, its Content-Encoding undone; calls `done` with the text or `fail` with a
 * SourceError: a compressed stream that ends early -> 'truncated', one that cannot be decoded or a coding
 * this client does not know -> 'malformed'. Synchronous for an unencoded body, which is what most answers are.
 */
export function decodeHttpBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  url: string,
  status: number | undefined,
  done: (text: string) => void,
  fail: (error: SourceError) => void,
): void {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  // An empty body stays empty whatever its coding says (a 204, or a server that labels every answer).
  if (encodings.length === 0 || raw.length === 0) {
    done(utf8(raw));
    return;
  }
  decode(raw, encodings).then(
    (decoded) => done(utf8(decoded)),
    (error: NodeJS.ErrnoException) => {
      if (error instanceof SourceError)
        fail(new SourceError(error.kind, `GET ${url}: ${error.message}`, { url, status }));
      else if (error.code === 'Z_BUF_ERROR')
        fail(truncatedBody(url, status, `${encodings.join(', ')} stream ends early: ${error.message}`));
      else
        fail(
          new SourceError(
            'malformed',
            `GET ${url}: the ${encodings.join(', ')} body cannot be decoded (${describeCause(error)})`,
            { url, status },
          ),
        );
    },
  );
}

/** A body that broke off before its end: worth another attempt. */
export function truncatedBody(url: string, status: number | undefined, detail: string): SourceError {
  return new SourceError('truncated', `GET ${url}: the body broke off before its end (${detail})`, { url, status });
}

/** What the sockets layer threw, as the SourceError kind the retry policy understands for that phase. */
export function transportError(error: unknown, url: string, phase: HttpPhase, status: number | undefined): SourceError {
  const detail = describeCause(error);
  if (phase === 'while reading the body') return truncatedBody(url, status, detail);
  return new SourceError('network', `GET ${url} failed ${phase} (${detail})`, { url, status });
}

/** undici reports "fetch failed" and hides the real reason (ECONNRESET, other side closed...) in `cause`. */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${e.message} [${code}]` : e.message);
      e = (e as { cause?: unknown }).cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

/** Undoes the codings in reverse order of application (RFC 9110 8.4). */
async function decode(raw: Buffer, encodings: readonly string[]): Promise<Buffer> {
  let data = raw;
  for (let i = encodings.length - 1; i >= 0; i--) {
    const coding = encodings[i];
    if (coding === 'gzip' || coding === 'x-gzip') data = await zlibCall(zlib.gunzip, data);
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: a zlib header has 8 in its low nibble.
    else if (coding === 'deflate') data = await zlibCall((data[0] & 0x0f) === 8 ? zlib.inflate : zlib.inflateRaw, data);
    else if (coding === 'br') data = await zlibCall(zlib.brotliDecompress, data);
    else
      throw new SourceError('malformed', `Content-Encoding "${coding}" is not supported; expected gzip, deflate or br`);
  }
  return data;
}

function zlibCall(
  fn: (buf: Buffer, cb: (error: Error | null, result: Buffer) => void) => void,
  data: Buffer,
): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, (error, result) => (error ? reject(error) : resolve(result))));
}

/** UTF-8 text without a leading byte-order mark, as fetch's Response.text() gives it. */
function utf8(data: Buffer): string {
  const text = data.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
