import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binaryCopyRows } from '../../src/store/postgres/binary-copy-rows.js';

/** A binary COPY answer built by hand: the signature, flags, no extension, the rows, the trailer. */
function copyAnswer(rows: (Buffer | null)[][], trailer = true): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const size = Buffer.alloc(4);
      size.writeInt32BE(field === null ? -1 : field.length);
      parts.push(size);
      if (field) parts.push(field);
    }
  }
  if (trailer) parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** The answer as a stream would deliver it: in pieces of `size` bytes, so rows and fields span pieces. */
async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rowsOf(bytes: Buffer, size = 3): Promise<(Buffer | null)[][]> {
  const out: (Buffer | null)[][] = [];
  for await (const row of binaryCopyRows(inPieces(bytes, size))) out.push(row.map((f) => (f ? Buffer.from(f) : f)));
  return out;
}

describe('binaryCopyRows', () => {
  it('reads each row as its fields, NULL as null and an empty field as no bytes, however the stream is cut', async () => {
    const blob = Buffer.from([1, 2, 3, 250, 0xff, 0xff]);
    const expected = [[Buffer.from('A'), blob], [null, Buffer.alloc(0)], [Buffer.from('last')]];
    const answer = copyAnswer(expected);
    for (const size of [1, 2, 3, 7, 64, answer.length]) {
      assert.deepEqual(await rowsOf(answer, size), expected, `pieces of ${size}`);
    }
  });

  it('refuses text that is not the binary format, naming the byte', async () => {
    await assert.rejects(
      rowsOf(Buffer.from('1\tA\nsome more text here')),
      /not the binary format at byte 0: its signature/,
    );
  });

  it('refuses an answer cut inside a row or before its trailer', async () => {
    const whole = copyAnswer([[Buffer.from('ABCDEF')]]);
    await assert.rejects(rowsOf(whole.subarray(0, whole.length - 5)), /ends inside a row or before its trailer/);
    await assert.rejects(rowsOf(copyAnswer([[Buffer.from('A')]], false)), /ends inside a row or before its trailer/);
  });

  it('refuses bytes after the trailer', async () => {
    const extra = Buffer.concat([copyAnswer([]), Buffer.from([0])]);
    await assert.rejects(rowsOf(extra, 100), /bytes follow its trailer/);
    await assert.rejects(rowsOf(extra, 1), /bytes follow its trailer/);
  });
});
