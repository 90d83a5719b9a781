import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { JSON_HEADERS } from './send-json.js';

/** Smaller answers go as they are: compressing them costs more than the bytes it saves. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * One answer's bytes as the server sends them, built once: the JSON text, its ETag, and its brotli and gzip
 * forms made the first time a client accepts them. A cache-first server that re-read, re-parsed and
 * re-serialised the payload on every request spent most of its time there.
 */
export class ServedBytes {
  readonly etag: string;
  private br: Buffer | null = null;
  private gzip: Buffer | null = null;

  constructor(readonly body: Buffer) {
    this.etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  }

  static ofJson(value: unknown): ServedBytes {
    return new ServedBytes(Buffer.from(JSON.stringify(value)));
  }

  /** Sends the bytes: 304 to a client that has them, compressed when it accepts br or gzip. */
  send(req: IncomingMessage, res: ServerResponse, status = 200): void {
    if (req.headers['if-none-match'] === this.etag) {
      res.writeHead(304, { etag: this.etag, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    const accepted = req.headers['accept-encoding'];
    let body = this.body;
    let encoding: string | null = null;
    if (accepted !== undefined && body.length >= COMPRESS_FROM_BYTES) {
      if (/\bbr\b/.test(accepted)) {
        this.br ??= brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        });
        body = this.br;
        encoding = 'br';
      } else if (/\bgzip\b/.test(accepted)) {
        this.gzip ??= gzipSync(body, { level: 6 });
        body = this.gzip;
        encoding = 'gzip';
      }
    }
    const headers: Record<string, string | number> = {
      ...JSON_HEADERS,
      'cache-control': 'no-cache',
      etag: this.etag,
      vary: 'accept-encoding',
      'content-length': body.length,
    };
    if (encoding !== null) headers['content-encoding'] = encoding;
    res.writeHead(status, headers);
    res.end(body);
  }
}
