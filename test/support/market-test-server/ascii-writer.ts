/**
 * Writes JSON text straight into a growing Buffer. Formatting thousands of prices per chart body through
 * strings costs more than the rest of the server together; writing digits as bytes is several times faster,
 * which keeps a whole-market run limited by the client, not by the test server.
 */
/** "00" "01" ... "99" as bytes. */
const PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

/** For each fraction 0..9999 of ten-thousandths: ".xxxx" with trailing zeros dropped, 5 bytes per slot. */
const FRACTION_BYTES = Buffer.alloc(50_000);
const FRACTION_SIZE = new Uint8Array(10_000);
for (let f = 1; f < 10_000; f++) {
  const text = `.${String(f).padStart(4, '0').replace(/0+$/, '')}`;
  FRACTION_BYTES.write(text, f * 5, 'latin1');
  FRACTION_SIZE[f] = text.length;
}

/**
 * Scratch space reused by every writer: a body is written synchronously from start to toBuffer(), so one
 * buffer serves them all and the garbage collector only sees the exact-size copies handed to the socket.
 */
let scratch = Buffer.allocUnsafe(256 * 1024);

export class AsciiWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialBytes = 64 * 1024) {
    if (scratch.length < initialBytes) scratch = Buffer.allocUnsafe(initialBytes);
    this.buf = scratch;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    scratch = next;
  }

  /** Any text (UTF-8). */
  str(s: string): this {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
    return this;
  }

  byte(code: number): this {
    this.ensure(1);
    this.buf[this.len++] = code;
    return this;
  }

  /** A non-negative integer below 2^53, two digits per division (the classic itoa table). */
  uint(value: number): this {
    let v = value;
    let n = 1;
    for (let p = 10; p <= v; p *= 10) n++;
    this.ensure(n);
    const b = this.buf;
    let pos = this.len + n;
    while (v >= 100) {
      const q = v < 2_147_483_648 ? (v / 100) | 0 : Math.floor(v / 100);
      const r = (v - q * 100) * 2;
      b[--pos] = PAIRS[r + 1];
      b[--pos] = PAIRS[r];
      v = q;
    }
    if (v >= 10) {
      b[--pos] = PAIRS[v * 2 + 1];
      b[--pos] = PAIRS[v * 2];
    } else {
      b[--pos] = 48 + v;
    }
    this.len += n;
    return this;
  }

  /** An integer (rounded), or null for NaN. */
  int(x: number): this {
    if (Number.isNaN(x)) return this.str('null');
    const v = Math.round(x);
    if (v < 0) {
      this.byte(45);
      return this.uint(-v);
    }
    return this.uint(v);
  }

  /** Shortest decimal with at most 4 places, or null for NaN (Yahoo's marker of an incomplete bar). */
  num4(x: number): this {
    if (Number.isNaN(x)) return this.str('null');
    let v = Math.round(x * 10_000);
    if (v < 0) {
      this.byte(45);
      v = -v;
    }
    const whole = Math.floor(v / 10_000);
    this.uint(whole);
    const frac = v - whole * 10_000;
    const size = FRACTION_SIZE[frac];
    if (size > 0) {
      this.ensure(size);
      const b = this.buf;
      for (let k = 0, at = frac * 5; k < size; k++) b[this.len++] = FRACTION_BYTES[at + k];
    }
    return this;
  }

  /** `[a,b,c]` of values[start..end) followed by the `extra` values (NaN writes null). */
  array(values: Float64Array, start: number, end: number, format: 'num4' | 'int', extra: readonly number[] = []): this {
    this.byte(91);
    const decimal = format === 'num4';
    for (let i = start; i < end; i++) {
      if (i > start) this.byte(44);
      if (decimal) this.num4(values[i]);
      else this.int(values[i]);
    }
    for (let k = 0; k < extra.length; k++) {
      if (end > start || k > 0) this.byte(44);
      if (decimal) this.num4(extra[k]);
      else this.int(extra[k]);
    }
    return this.byte(93);
  }

  /** A copy of what was written (the scratch space is reused by the next writer). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
