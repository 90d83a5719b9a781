import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A file that could not be read to its end (missing, unreadable, a gzip stream cut short). */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly linesRead: number,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FileReadError';
  }
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Streams a text file, plain or gzip (recognised by its magic bytes, not its name), as batches of lines
 * without their line endings. Memory stays at about one chunk whatever the file size; yielding a batch
 * per chunk rather than a line at a time keeps the async overhead off the per-row path.
 * A final line without a newline is yielded; a gzip stream that ends early throws FileReadError, and the
 * partial line at the cut is dropped because it is not a whole row.
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  const gzip = await startsWithGzipMagic(path);
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let stream: Readable = file;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    file.on('error', (e) => gunzip.destroy(e));
    stream = file.pipe(gunzip);
  }
  stream.setEncoding('utf8');
  let rest = '';
  let lines = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (p.charCodeAt(p.length - 1) === 13) parts[i] = p.slice(0, -1);
      }
      lines += parts.length;
      if (parts.length > 0) yield parts;
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const what =
      e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)
        ? `gzip data ends early after line ${lines} (truncated file?)`
        : e.code === 'Z_DATA_ERROR'
          ? `gzip data is corrupt after line ${lines} (${e.message})`
          : e.message;
    throw new FileReadError(path, what, lines);
  } finally {
    stream.destroy();
    file.destroy();
  }
  if (rest !== '') yield [rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest];
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const what = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new FileReadError(path, what, 0);
  }
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
