import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Http1ProtocolError,
  Http1ResponseReader,
  MAX_HEAD_BYTES,
  type ResponseHead,
} from '../../src/sources/http1/http1-response-reader.js';

interface Seen {
  heads: ResponseHead[];
  body: string;
  ended: boolean | null;
  error: Http1ProtocolError | null;
}

/** A reader expecting one response, and what its handlers were told. */
function reading(): { reader: Http1ResponseReader; seen: Seen } {
  const reader = new Http1ResponseReader();
  const seen: Seen = { heads: [], body: '', ended: null, error: null };
  reader.expect({
    head: (h) => seen.heads.push(h),
    data: (c) => {
      seen.body += c.toString('latin1');
    },
    end: (reusable) => {
      seen.ended = reusable;
    },
    error: (e) => {
      seen.error = e;
    },
  });
  return { reader, seen };
}

/** Feeds `wire` cut at every position into two pushes, and once whole: every cut must read the same. */
function everySplit(wire: string, check: (seen: Seen, at: number) => void): void {
  const bytes = Buffer.from(wire, 'latin1');
  for (let at = 0; at <= bytes.length; at++) {
    const { reader, seen } = reading();
    reader.push(bytes.subarray(0, at));
    reader.push(bytes.subarray(at));
    check(seen, at);
  }
}

describe('Http1ResponseReader', () => {
  it('reads a Content-Length answer the same wherever the bytes are split', () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":[1,2]}';
    everySplit(wire, (seen, at) => {
      assert.equal(seen.error, null, `split at ${at}`);
      assert.equal(seen.heads.length, 1);
      assert.equal(seen.heads[0].status, 200);
      assert.deepEqual(seen.heads[0].headers.get('content-type'), ['application/json']);
      assert.equal(seen.body, '{"a":[1,2]}', `split at ${at}`);
      assert.equal(seen.ended, true, `split at ${at}`);
    });
  });

  it('reads a chunked answer with extensions and trailers wherever the bytes are split', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a"\r\nA\r\n:[1,2,3]} \r\n0\r\nX-Checksum: 1\r\n\r\n';
    everySplit(wire, (seen, at) => {
      assert.equal(seen.error, null, `split at ${at}: ${seen.error?.message}`);
      assert.equal(seen.body, '{"a":[1,2,3]} ', `split at ${at}`);
      assert.equal(seen.ended, true, `split at ${at}`);
    });
  });

  it('accepts bare LF line ends and folded header lines', () => {
    const { reader, seen } = reading();
    reader.push(Buffer.from('HTTP/1.1 200 OK\nX-Long: one\n  two\nContent-Length: 2\n\nok'));
    assert.deepEqual(seen.heads[0].headers.get('x-long'), ['one two']);
    assert.equal(seen.body, 'ok');
    assert.equal(seen.ended, true);
  });

  it('keeps repeated headers in order', () => {
    const { reader, seen } = reading();
    reader.push(Buffer.from('HTTP/1.1 204 No Content\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\n'));
    assert.deepEqual(seen.heads[0].headers.get('set-cookie'), ['a=1', 'b=2']);
    assert.equal(seen.ended, true, 'a 204 has no body');
  });

  it('skips interim 1xx answers and reads the final one', () => {
    const { reader, seen } = reading();
    reader.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'));
    reader.push(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnot'));
    assert.deepEqual(
      seen.heads.map((h) => h.status),
      [404],
    );
    assert.equal(seen.body, 'not');
  });

  it('says whether the connection may be reused: HTTP/1.1 unless it closes, HTTP/1.0 only when kept alive', () => {
    const cases: [string, boolean][] = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true],
      ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
      ['HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n', true],
      ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA', false],
    ];
    for (const [wire, reusable] of cases) {
      const { reader, seen } = reading();
      reader.push(Buffer.from(wire));
      assert.equal(seen.ended, reusable, wire);
    }
  });

  it('reads a body without length or chunking until the connection closes, and never reuses it', () => {
    const { reader, seen } = reading();
    reader.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome'));
    reader.push(Buffer.from(' text'));
    assert.equal(seen.ended, null);
    reader.close('closed by the server');
    assert.equal(seen.body, 'some text');
    assert.equal(seen.ended, false);
  });

  it('reports a close before any byte as unanswered and one mid-body as answered, naming what was missing', () => {
    const before = reading();
    before.reader.close('read ECONNRESET [ECONNRESET]');
    assert.equal(before.seen.error?.answered, false);
    assert.match(before.seen.error?.message ?? '', /the status line and headers \(read ECONNRESET/);

    const during = reading();
    during.reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    during.reader.close('closed by the server');
    assert.equal(during.seen.error?.answered, true);
    assert.match(during.seen.error?.message ?? '', /the rest of the body \(7 bytes\)/);
  });

  it('refuses answers that are not HTTP/1.x, naming what came', () => {
    const cases: [string, RegExp][] = [
      ['<html>hello</html>\r\n\r\n', /status line "<html>hello<\/html>" that is not HTTP\/1.0 or HTTP\/1.1/],
      ['HTTP/2 200\r\n\r\n', /status line "HTTP\/2 200"/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', /Content-Length "3, 4" that is not one/],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /Content-Length "-1"/],
      ['HTTP/1.1 200 OK\r\nBad Header\r\n\r\n', /header line "Bad Header"/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size "zz"/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n', /"X" after a chunk/],
      ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /101 Switching Protocols/],
    ];
    for (const [wire, message] of cases) {
      const { reader, seen } = reading();
      reader.push(Buffer.from(wire));
      assert.ok(seen.error instanceof Http1ProtocolError, wire);
      assert.match(seen.error.message, message);
      assert.equal(seen.error.answered, true);
      assert.equal(seen.ended, null);
      assert.equal(reader.busy, false);
    }
  });

  it('refuses a head larger than its limit', () => {
    const { reader, seen } = reading();
    reader.push(Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`));
    assert.match(seen.error?.message ?? '', /longer than 65536 bytes/);
  });

  it('throws on bytes that come while no request is outstanding', () => {
    const reader = new Http1ResponseReader();
    assert.throws(() => reader.push(Buffer.from('HTTP/1.1 200 OK\r\n')), /while no request was outstanding/);
  });

  it('reads answers one after another on the same connection', () => {
    const reader = new Http1ResponseReader();
    const bodies: string[] = [];
    for (const body of ['first', 'second']) {
      let text = '';
      reader.expect({
        head: () => {},
        data: (c) => {
          text += c.toString();
        },
        end: () => bodies.push(text),
        error: (e) => assert.fail(e),
      });
      reader.push(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    }
    assert.deepEqual(bodies, ['first', 'second']);
  });
});
