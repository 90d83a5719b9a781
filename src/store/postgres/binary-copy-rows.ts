/** The 11-byte signature that opens PostgreSQL's binary COPY format. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The rows of a `COPY ... TO STDOUT (FORMAT binary)` answer as it streams in, each as its fields' raw bytes
 * (null for NULL). The binary format sends a bytea as its bytes, where the text protocol sends twice as many
 * hex digits for the server to write and this process to decode. A row inside one of the stream's chunks is
 * yielded as views into it (a stream never reuses its chunks); only a row split between chunks is copied, so
 * a whole market's bars are not copied once more on their way. Throws naming the byte offset when the answer
 * is not that format or ends inside a row.
 */
export async function* binaryCopyRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<(Buffer | null)[]> {
  const input = new ChunkQueue();
  let headerRead = false;
  let ended = false;
  // Read to the stream's own end even after the trailer: leaving it early would leave its connection mid-COPY.
  for await (const chunk of chunks) {
    input.push(chunk);
    if (ended) fail(input.consumed, 'bytes follow its trailer');
    if (!headerRead) {
      if (input.size < SIGNATURE.length + 8) continue;
      const signature = input.peekBytes(0, SIGNATURE.length);
      if (!signature.equals(SIGNATURE)) fail(0, 'its signature is missing');
      const headerLength = SIGNATURE.length + 8 + input.peekInt(SIGNATURE.length + 4, 4);
      if (input.size < headerLength) continue;
      input.take(headerLength);
      headerRead = true;
    }
    for (;;) {
      const length = input.rowLength();
      if (length === null) break;
      const at = input.consumed;
      const row = input.take(length);
      const fields = row.readInt16BE(0);
      if (fields === -1) {
        if (input.size > 0) fail(input.consumed, 'bytes follow its trailer');
        ended = true;
        break;
      }
      yield fieldsOf(row, fields, at);
    }
  }
  if (!ended) {
    fail(input.consumed, headerRead ? 'it ends inside a row or before its trailer' : 'it ends inside its header');
  }
}

function fail(at: number, what: string): never {
  throw new Error(`COPY answer is not the binary format at byte ${at}: ${what}`);
}

/** The fields of one whole row (its field count, then each field's size and bytes) as views into it. */
function fieldsOf(row: Buffer, fields: number, at: number): (Buffer | null)[] {
  const out: (Buffer | null)[] = new Array(fields);
  let p = 2;
  for (let f = 0; f < fields; f++) {
    const size = row.readInt32BE(p);
    p += 4;
    if (size < 0) {
      out[f] = null;
      continue;
    }
    if (p + size > row.length) fail(at + p, `a field of ${size} bytes runs past its row`);
    out[f] = row.subarray(p, p + size);
    p += size;
  }
  return out;
}

/** The stream's chunks not read yet, read across chunk boundaries. */
class ChunkQueue {
  private readonly chunks: Buffer[] = [];
  /** Bytes of the first chunk already taken. */
  private offset = 0;
  /** Bytes held and not taken yet. */
  size = 0;
  /** Bytes taken since the answer began (for error messages). */
  consumed = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The length of the next whole row (or the trailer), or null while not all of it has arrived. */
  rowLength(): number | null {
    if (this.size < 2) return null;
    const fields = this.peekInt(0, 2);
    if (fields === -1) return 2;
    let p = 2;
    for (let f = 0; f < fields; f++) {
      if (this.size < p + 4) return null;
      const size = this.peekInt(p, 4);
      p += 4 + Math.max(0, size);
    }
    return this.size < p ? null : p;
  }

  /** A signed big-endian integer of `bytes` bytes at `pos` past what was taken, not taking it. */
  peekInt(pos: number, bytes: 2 | 4): number {
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.byteAt(pos + i);
    const top = 2 ** (8 * bytes);
    return v >= top / 2 ? v - top : v;
  }

  peekBytes(pos: number, n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.byteAt(pos + i);
    return out;
  }

  /** The next `n` bytes: a view when one chunk holds them, else a copy of the pieces. */
  take(n: number): Buffer {
    this.size -= n;
    this.consumed += n;
    const first = this.chunks[0];
    if (first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    for (let written = 0; written < n; ) {
      const chunk = this.chunks[0];
      const k = Math.min(chunk.length - this.offset, n - written);
      chunk.copy(out, written, this.offset, this.offset + k);
      written += k;
      this.advance(k);
    }
    return out;
  }

  private advance(n: number): void {
    this.offset += n;
    if (this.offset === this.chunks[0].length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  private byteAt(pos: number): number {
    let p = pos + this.offset;
    for (const chunk of this.chunks) {
      if (p < chunk.length) return chunk[p];
      p -= chunk.length;
    }
    throw new RangeError(`byte ${pos} is past the ${this.size} bytes held`);
  }
}
