/** The 11-byte signature that opens PostgreSQL's binary COPY format. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The rows of a whole `COPY ... TO STDOUT (FORMAT binary)` answer, each as its fields' raw bytes (null for
 * NULL), as views into `bytes`. The binary format sends a bytea as its bytes, where the text protocol sends
 * twice as many hex digits for the server to write and this process to decode. The answer is parsed whole
 * (one copy of the stream's chunks into one buffer), since rows split across chunks otherwise cost a copy
 * each. Throws naming the byte offset when `bytes` is not that format or ends inside a row.
 */
export function* binaryCopyRows(bytes: Buffer): Generator<(Buffer | null)[]> {
  const fail = (at: number, what: string): never => {
    throw new Error(`COPY answer is not the binary format at byte ${at}: ${what}`);
  };
  if (bytes.length < SIGNATURE.length + 8 || !bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    fail(0, 'its signature is missing');
  }
  let at = SIGNATURE.length + 8 + bytes.readInt32BE(SIGNATURE.length + 4);
  for (;;) {
    if (at + 2 > bytes.length) fail(at, 'it ends before its trailer');
    const fields = bytes.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    const row: (Buffer | null)[] = new Array(fields);
    for (let f = 0; f < fields; f++) {
      if (at + 4 > bytes.length) fail(at, 'it ends inside a row');
      const size = bytes.readInt32BE(at);
      at += 4;
      if (size < 0) {
        row[f] = null;
        continue;
      }
      if (at + size > bytes.length) fail(at, `a field of ${size} bytes runs past its end`);
      row[f] = bytes.subarray(at, at + size);
      at += size;
    }
    yield row;
  }
  if (at !== bytes.length) fail(at, 'bytes follow its trailer');
}
