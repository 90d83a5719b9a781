import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from './security-headers.js';
import { JSON_HEADERS } from './send-json.js';

/** Smaller answers go as they are: compressing them costs more than the bytes it saves. */
const COMPRESS_FROM_BYTES = 1024;

interface Form {
  body: Buffer;
  headers: Readonly<Record<string, string | number>>;
}

/** A strong ETag of the bytes: 27 characters of their SHA-256. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** The codings an Accept-Encoding header allows (q=0 refuses one). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (name !== '' && !(q !== undefined && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

/**
 * One answer's bytes as the server sends them, built once: the JSON text, its ETag, its headers, and its
 * brotli and gzip forms made the first time a client accepts them. A cache-first server that re-read,
 * re-parsed and re-serialised the payload on every request spent most of its time there.
 */
export class ServedBytes {
  readonly etag: string;
  private readonly identity: Form;
  private readonly notModified: Readonly<Record<string, string>>;
  private br: Form | null = null;
  private gzip: Form | null = null;

  constructor(readonly body: Buffer) {
    this.etag = etagOf(body);
    this.identity = this.form(body, null);
    this.notModified = { ...SECURITY_HEADERS, etag: this.etag, 'cache-control': 'no-cache' };
  }

  static ofJson(value: unknown): ServedBytes {
    return new ServedBytes(Buffer.from(JSON.stringify(value)));
  }

  /** Sends the bytes: 304 to a client that has them, compressed when it accepts br or gzip. */
  send(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers['if-none-match'] === this.etag) {
      res.writeHead(304, this.notModified);
      res.end();
      return;
    }
    const header = req.headers['accept-encoding'];
    let form = this.identity;
    if (header !== undefined && this.body.length >= COMPRESS_FROM_BYTES) {
      const accepted = acceptedEncodings(header);
      if (accepted.has('br')) {
        this.br ??= this.form(
          brotliCompressSync(this.body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: this.body.length },
          }),
          'br',
        );
        form = this.br;
      } else if (accepted.has('gzip')) {
        this.gzip ??= this.form(gzipSync(this.body, { level: 6 }), 'gzip');
        form = this.gzip;
      }
    }
    res.writeHead(200, form.headers);
    res.end(form.body);
  }

  private form(body: Buffer, encoding: string | null): Form {
    const headers: Record<string, string | number> = {
      ...JSON_HEADERS,
      'cache-control': 'no-cache',
      etag: this.etag,
      vary: 'accept-encoding',
      'content-length': body.length,
    };
    if (encoding !== null) headers['content-encoding'] = encoding;
    return { body, headers };
  }
}
