/**
 * Reads HTTP/1.x responses off one connection, byte chunk by byte chunk, as they arrive (RFC 9112): the status
 * line and headers, then a body framed by Content-Length, chunked transfer coding, or the connection closing.
 * Interim 1xx answers are skipped. It never copies body bytes (each handler call gets a view of the chunk it
 * came in), and only joins chunks while a status line, header block or chunk-size line is split between them.
 */

/** Header names in lower case, each with its values in the order they came. */
export type HeaderList = Map<string, string[]>;

export interface ResponseHead {
  status: number;
  /** The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minor: number;
  headers: HeaderList;
}

export interface ResponseHandlers {
  head(head: ResponseHead): void;
  data(chunk: Buffer): void;
  /** The whole response was read; `reusable` says whether the connection may carry another request. */
  end(reusable: boolean): void;
  error(error: Http1ProtocolError): void;
  /** The request was not sent: it would have left this many ms after its send-by time. */
  late?(lateMs: number): void;
}

/** A response this reader cannot make sense of: the connection must be dropped. */
export class Http1ProtocolError extends Error {
  constructor(
    message: string,
    /** Whether any byte of the response had arrived (the request reached a server that answered). */
    readonly answered: boolean,
  ) {
    super(message);
    this.name = 'Http1ProtocolError';
  }
}

/** A status line and headers longer than this are not an HTTP answer a market data API sends. */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 4 * 1024;

type State = 'idle' | 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close';

const LF = 10;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEX = /^[0-9A-Fa-f]{1,15}$/;

export class Http1ResponseReader {
  private handlers: ResponseHandlers | null = null;
  private state: State = 'idle';
  /** Bytes received but not yet consumed (a split line or head), or null. */
  private pending: Buffer | null = null;
  /** Body bytes still due in the current Content-Length body or chunk. */
  private remaining = 0;
  private reusable = true;
  private answered = false;
  /** Lines of the head read so far (status line first), and their total size. */
  private lines: string[] = [];
  private headBytes = 0;
  /** Set when a response ends inside push(): its handlers are told once the chunk has been looked at. */
  private completed: ResponseHandlers | null = null;

  /** Whether a response is being waited for or read. */
  get busy(): boolean {
    return this.state !== 'idle';
  }

  /** Waits for the answer to a request just sent. */
  expect(handlers: ResponseHandlers): void {
    if (this.state !== 'idle') throw new Error('a response is already expected on this connection');
    this.handlers = handlers;
    this.state = 'head';
    this.reusable = true;
    this.answered = false;
    this.lines = [];
    this.headBytes = 0;
  }

  /** Forgets the expected response of a request that was never sent: the connection is free again. */
  withdraw(): void {
    if (this.state !== 'head' || this.answered) throw new Error('only a request not yet sent can be withdrawn');
    this.state = 'idle';
    this.handlers = null;
  }

  /** Bytes from the connection. Bytes nobody asked for (no request outstanding) are a protocol error. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.state === 'idle') {
      throw new Http1ProtocolError(
        `the server sent ${chunk.length} bytes while no request was outstanding (${preview(chunk)})`,
        true,
      );
    }
    this.answered = true;
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let pos = 0;
    try {
      while (pos < buf.length && this.busy) {
        switch (this.state) {
          case 'until-close':
            this.handlers?.data(pos === 0 ? buf : buf.subarray(pos));
            pos = buf.length;
            break;
          case 'length':
          case 'chunk-data': {
            const n = Math.min(this.remaining, buf.length - pos);
            this.handlers?.data(buf.subarray(pos, pos + n));
            pos += n;
            this.remaining -= n;
            if (this.remaining === 0) {
              if (this.state === 'length') this.finish();
              else this.state = 'chunk-end';
            }
            break;
          }
          default: {
            const eol = buf.indexOf(LF, pos);
            if (eol < 0) {
              const limit = this.state === 'head' ? MAX_HEAD_BYTES : MAX_CHUNK_LINE_BYTES;
              if (this.headBytes + buf.length - pos > limit) {
                throw this.protocolError(`a ${this.describeState()} longer than ${limit} bytes`);
              }
              this.pending = buf.subarray(pos);
              return;
            }
            const end = eol > pos && buf[eol - 1] === 13 ? eol - 1 : eol;
            const line = buf.toString('latin1', pos, end);
            this.headBytes += eol + 1 - pos;
            pos = eol + 1;
            this.line(line);
          }
        }
      }
      const completed = this.completed;
      this.completed = null;
      // More bytes after the end of the response: this connection cannot be trusted with another request.
      if (pos < buf.length) this.reusable = false;
      completed?.end(this.reusable);
    } catch (error) {
      this.state = 'idle';
      const handlers = this.handlers;
      this.handlers = null;
      this.pending = null;
      if (error instanceof Http1ProtocolError) handlers?.error(error);
      else throw error;
    }
  }

  /**
   * The connection closed (or never opened: `neverConnected`). Completes a body that runs until the close;
   * anything else still expected is an error for the caller to map (answered or not).
   */
  close(detail: string, neverConnected = false): void {
    if (this.state === 'idle') return;
    const handlers = this.handlers;
    if (this.state === 'until-close') {
      this.state = 'idle';
      this.handlers = null;
      handlers?.end(false);
      return;
    }
    const state = this.describeState();
    this.state = 'idle';
    this.handlers = null;
    this.pending = null;
    // A connection that never opened (refused, unknown host) has only its cause to tell.
    const message = neverConnected ? detail : `the connection closed while waiting for ${state} (${detail})`;
    handlers?.error(new Http1ProtocolError(message, this.answered));
  }

  private line(line: string): void {
    switch (this.state) {
      case 'head':
        if (line === '') {
          // Leading empty lines before a status line are tolerated (RFC 9112 2.2); an empty head is not.
          if (this.lines.length === 0) return;
          this.headDone();
          return;
        }
        if (this.lines.length > 0 && (line[0] === ' ' || line[0] === '\t')) {
          // An obsolete folded header line continues the one before it.
          this.lines[this.lines.length - 1] += ` ${line.trim()}`;
          return;
        }
        this.lines.push(line);
        return;
      case 'chunk-size': {
        const semi = line.indexOf(';');
        const hex = (semi >= 0 ? line.slice(0, semi) : line).trim();
        if (!HEX.test(hex)) throw this.protocolError(`a chunk size "${clip(line)}" that is not a hexadecimal number`);
        this.headBytes = 0;
        const size = Number.parseInt(hex, 16);
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size;
          this.state = 'chunk-data';
        }
        return;
      }
      case 'chunk-end':
        if (line !== '') throw this.protocolError(`"${clip(line)}" after a chunk where its line end belongs`);
        this.headBytes = 0;
        this.state = 'chunk-size';
        return;
      case 'trailers':
        // Trailer fields are read and dropped: nothing a source needs is sent there.
        if (line === '') this.finish();
        return;
      default:
        return;
    }
  }

  private headDone(): void {
    const [statusLine, ...fields] = this.lines;
    const m = STATUS_LINE.exec(statusLine);
    if (m === null) throw this.protocolError(`a status line "${clip(statusLine)}" that is not HTTP/1.0 or HTTP/1.1`);
    const minor = Number(m[1]);
    const status = Number(m[2]);
    const headers: HeaderList = new Map();
    for (const field of fields) {
      const colon = field.indexOf(':');
      const name = colon > 0 ? field.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw this.protocolError(`a header line "${clip(field)}" that is not "name: value"`);
      const key = name.toLowerCase();
      const value = field.slice(colon + 1).trim();
      const list = headers.get(key);
      if (list) list.push(value);
      else headers.set(key, [value]);
    }
    this.lines = [];
    this.headBytes = 0;
    if (status >= 100 && status < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows on the same connection.
      if (status === 101) throw this.protocolError('a 101 Switching Protocols answer to a request that asked for none');
      return;
    }
    const connection = (headers.get('connection') ?? []).join(',').toLowerCase();
    this.reusable = minor === 1 ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.handlers?.head({ status, minor, headers });
    if (this.state !== 'head') return;
    const transfer = headers.get('transfer-encoding');
    const lengths = headers.get('content-length');
    if (status === 204 || status === 304) this.finish();
    else if (transfer !== undefined) {
      const codings = transfer.join(',').toLowerCase().split(',');
      if (codings[codings.length - 1].trim() === 'chunked') this.state = 'chunk-size';
      else {
        this.reusable = false;
        this.state = 'until-close';
      }
    } else if (lengths !== undefined) {
      const values = new Set(
        lengths
          .join(',')
          .split(',')
          .map((v) => v.trim()),
      );
      const [only] = values;
      if (values.size !== 1 || !/^\d{1,15}$/.test(only)) {
        throw this.protocolError(`a Content-Length "${clip(lengths.join(', '))}" that is not one whole number`);
      }
      this.remaining = Number(only);
      if (this.remaining === 0) this.finish();
      else this.state = 'length';
    } else {
      this.reusable = false;
      this.state = 'until-close';
    }
  }

  /** The response is complete; the caller of push() or close() tells its handlers. */
  private finish(): void {
    this.completed = this.handlers;
    this.state = 'idle';
    this.handlers = null;
  }

  private describeState(): string {
    switch (this.state) {
      case 'head':
        return 'the status line and headers';
      case 'length':
        return `the rest of the body (${this.remaining} bytes)`;
      case 'chunk-size':
      case 'chunk-end':
      case 'chunk-data':
        return 'the rest of a chunked body';
      case 'trailers':
        return 'the end of a chunked body';
      default:
        return 'the response';
    }
  }

  private protocolError(what: string): Http1ProtocolError {
    return new Http1ProtocolError(`the server sent ${what}`, this.answered);
  }
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}

function preview(chunk: Buffer): string {
  return JSON.stringify(chunk.toString('latin1', 0, Math.min(chunk.length, 40)));
}
