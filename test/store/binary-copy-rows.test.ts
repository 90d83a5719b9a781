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

describe('binaryCopyRows', () => {
  it('reads each row as its fields, NULL as null and an empty field as no bytes', () => {
    const blob = Buffer.from([1, 2, 3, 250]);
    const rows = [
      ...binaryCopyRows(
        copyAnswer([
          [Buffer.from('A'), blob],
          [null, Buffer.alloc(0)],
        ]),
      ),
    ];
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], [Buffer.from('A'), blob]);
    assert.deepEqual(rows[1], [null, Buffer.alloc(0)]);
  });

  it('refuses text that is not the binary format, naming the byte', () => {
    assert.throws(() => [...binaryCopyRows(Buffer.from('1\tA\n'))], /not the binary format at byte 0: its signature/);
  });

  it('refuses an answer cut inside a row or before its trailer', () => {
    const whole = copyAnswer([[Buffer.from('ABCDEF')]]);
    assert.throws(
      () => [...binaryCopyRows(whole.subarray(0, whole.length - 5))],
      /a field of 6 bytes runs past its end/,
    );
    assert.throws(() => [...binaryCopyRows(copyAnswer([[Buffer.from('A')]], false))], /ends before its trailer/);
  });

  it('refuses bytes after the trailer', () => {
    const extra = Buffer.concat([copyAnswer([]), Buffer.from([0])]);
    assert.throws(() => [...binaryCopyRows(extra)], /bytes follow its trailer/);
  });
});
