import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';

/** The answers a hostile or broken source can flood a client with, each on its own path. */
export type HostileAnswer = 'bomb' | 'huge' | 'endless';

export interface HostileSourceServerOptions {
  /** What the gzip bomb expands to (zeros); it is sent as gzip of about a thousandth of that. */
  bombBytes: number;
  /** The announced (Content-Length) size of the huge plain body, streamed and never held. */
  hugeBytes: number;
}

export interface HostileSourceServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Body bytes handed to the sockets per answer, counted when each answer's connection closes. */
  sent: Record<HostileAnswer, number>;
  /** The size of the compressed bomb as sent. */
  bombSize: number;
  /** Waits until the next answer of that kind is over (its connection closed or its body all written). */
  over(answer: HostileAnswer): Promise<number>;
  close(): Promise<void>;
}

const ANSWERS: readonly HostileAnswer[] = ['bomb', 'huge', 'endless'];
const ZEROS = Buffer.alloc(64 * 1024);
const FILL = Buffer.alloc(64 * 1024, 'x');

/**
 * A local server whose every answer is a flood, chosen by the first path segment that names one, whatever its
 * case (/bomb/..., or a chart URL for the symbol BOMB): 'bomb' a small gzip body that expands to `bombBytes` of zeros, 'huge' a plain body announced
 * with its Content-Length, 'endless' a chunked body that never ends. The bodies are streamed at the pace the
 * client reads them, never built whole in memory; what each one handed to its socket is counted, so a test can
 * tell how much a client read before it stopped.
 */
export async function startHostileSourceServer(options: HostileSourceServerOptions): Promise<HostileSourceServer> {
  const bomb = await gzipZeros(options.bombBytes);
  const waiting: Record<HostileAnswer, ((sent: number) => void)[]> = { bomb: [], huge: [], endless: [] };
  const sent: Record<HostileAnswer, number> = { bomb: 0, huge: 0, endless: 0 };
  const done = (answer: HostileAnswer, bytes: number) => {
    sent[answer] = bytes;
    for (const wake of waiting[answer].splice(0)) wake(bytes);
  };
  const server = createServer((req, res) => {
    const answer = (req.url ?? '')
      .split(/[/?]/)
      .map((segment) => segment.toLowerCase())
      .find((segment): segment is HostileAnswer => ANSWERS.includes(segment as HostileAnswer));
    if (answer === 'bomb') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': bomb.length,
      });
      res.end(bomb);
      res.on('close', () => done('bomb', bomb.length));
    } else if (answer === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': options.hugeBytes });
      flood(res, FILL, options.hugeBytes, (bytes) => done('huge', bytes));
    } else if (answer === 'endless') {
      res.writeHead(200, { 'content-type': 'application/json' });
      flood(res, FILL, Number.POSITIVE_INFINITY, (bytes) => done('endless', bytes));
    } else {
      res.writeHead(404);
      res.end('unknown path');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    bombSize: bomb.length,
    over: (answer) => new Promise((resolve) => waiting[answer].push(resolve)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Writes `total` bytes of `chunk` as fast as the client takes them; `onOver` gets what was written. */
function flood(res: ServerResponse, chunk: Buffer, total: number, onOver: (bytes: number) => void): void {
  let written = 0;
  let over = false;
  const finish = () => {
    if (over) return;
    over = true;
    onOver(written);
  };
  res.on('close', finish);
  const pump = () => {
    while (!res.destroyed && written < total) {
      const piece = total - written >= chunk.length ? chunk : chunk.subarray(0, total - written);
      written += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** gzip of `bytes` zeros, compressed as it is produced: the expanded bomb never exists here. */
function gzipZeros(bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const out: Buffer[] = [];
    gzip.on('data', (d: Buffer) => out.push(d));
    gzip.on('end', () => resolve(Buffer.concat(out)));
    gzip.on('error', reject);
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const piece = left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left);
        left -= piece.length;
        if (!gzip.write(piece)) {
          gzip.once('drain', pump);
          return;
        }
      }
      gzip.end();
    };
    pump();
  });
}
