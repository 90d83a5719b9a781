import { constants } from 'node:buffer';
import zlib from 'node:zlib';
import { SourceError } from './source.js';

/** Where a request was when it failed: the error kind and message depend on it. */
export type HttpPhase = 'before the response headers' | 'while reading the body';

/**
 * The largest answer a transport accepts unless told otherwise (FETCH_MAX_BODY_BYTES): several times the
 * largest real chart answer (a 60-year daily history is a few MB), low enough that one hostile answer read up
 * to the limit costs the process tens of MB, not gigabytes.
 */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * A whole response body as text, its Content-Encoding undone; calls `done` with the text or `fail` with a
 * SourceError: a compressed stream that ends early -> 'truncated', one that cannot be decoded or a coding
 * this client does not know -> 'malformed', one that decodes to more than `maxBytes` -> 'too-large' (decoding
 * stops there, so a small bomb never expands in memory). Synchronous for an unencoded body, which is what
 * most answers are.
 */
export function decodeHttpBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  url: string,
  status: number | undefined,
  maxBytes: number,
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
  // One chain ending in catch: whatever fails in decoding or in making the text fails this request only.
  decode(raw, encodings, maxBytes)
    .then((decoded) => done(utf8(decoded)))
    .catch((error: NodeJS.ErrnoException) => {
      if (error instanceof SourceError)
        fail(new SourceError(error.kind, `GET ${url}: ${error.message}`, { url, status }));
      else if (error.code === 'ERR_BUFFER_TOO_LARGE')
        fail(tooLargeBody(url, status, maxBytes, `decoded from ${encodings.join(', ')}`));
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
    });
}

/**
 * The body size limit a transport was given, checked once: a whole number of bytes that one string can hold
 * (the body becomes one string; past V8's string length, making it would throw).
 */
export function checkMaxBodyBytes(maxBytes: number): number {
  if (!(Number.isInteger(maxBytes) && maxBytes >= 1 && maxBytes <= constants.MAX_STRING_LENGTH)) {
    throw new RangeError(
      `maxBodyBytes ${maxBytes} is not valid; expected a whole number of bytes from 1 to ${constants.MAX_STRING_LENGTH}`,
    );
  }
  return maxBytes;
}

/**
 * An answer past the size limit; `how` says which size passed it (as received, as announced, as decoded).
 * `url` is already masked; nothing of the body is quoted.
 */
export function tooLargeBody(url: string, status: number | undefined, maxBytes: number, how: string): SourceError {
  return new SourceError(
    'too-large',
    `GET ${url}: the answer is larger than the limit of ${maxBytes} bytes (${how}; FETCH_MAX_BODY_BYTES)`,
    { url, status },
  );
}

/**
 * The error for an answer whose Content-Length already says it is past the limit, or null. A 204 or 304 has no
 * body whatever its Content-Length says (RFC 9110 8.6).
 */
export function announcedTooLarge(
  contentLength: string | null | undefined,
  url: string,
  status: number,
  maxBytes: number,
): SourceError | null {
  if (contentLength == null || status === 204 || status === 304) return null;
  const announced = Number(contentLength);
  return announced > maxBytes ? tooLargeBody(url, status, maxBytes, `Content-Length ${announced}`) : null;
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

/** Undoes the codings in reverse order of application (RFC 9110 8.4), none of them past `maxBytes`. */
async function decode(raw: Buffer, encodings: readonly string[], maxBytes: number): Promise<Buffer> {
  // 64 KiB pieces rather than zlib's 16 KiB: a quarter of the buffers held while an answer of MBs decodes.
  const options: DecodeOptions = { maxOutputLength: maxBytes, chunkSize: 64 * 1024 };
  let data = raw;
  for (let i = encodings.length - 1; i >= 0; i--) {
    const coding = encodings[i];
    if (coding === 'gzip' || coding === 'x-gzip') data = await zlibCall(zlib.gunzip, data, options);
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: a zlib header has 8 in its low nibble.
    else if (coding === 'deflate')
      data = await zlibCall((data[0] & 0x0f) === 8 ? zlib.inflate : zlib.inflateRaw, data, options);
    else if (coding === 'br') data = await zlibCall(zlib.brotliDecompress, data, options);
    else
      throw new SourceError('malformed', `Content-Encoding "${coding}" is not supported; expected gzip, deflate or br`);
  }
  return data;
}

interface DecodeOptions {
  /** Decoding stops with ERR_BUFFER_TOO_LARGE once its output would pass this. */
  maxOutputLength: number;
  chunkSize: number;
}

function zlibCall(
  fn: (buf: Buffer, options: DecodeOptions, cb: (error: Error | null, result: Buffer) => void) => void,
  data: Buffer,
  options: DecodeOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    fn(data, options, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** UTF-8 text without a leading byte-order mark, as fetch's Response.text() gives it. */
export function utf8(data: Buffer): string {
  const text = data.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
