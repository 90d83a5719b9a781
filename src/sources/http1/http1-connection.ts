import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { describeCause } from '../http-body.js';
import { Http1ProtocolError, Http1ResponseReader, type ResponseHandlers } from './http1-response-reader.js';

/**
 * One kept-alive HTTP/1.1 connection: a request goes out as one write the moment it is handed over (no
 * deferral to a later tick, so a slot freed by one answer is refilled on the wire at once), and its answer is
 * read by an Http1ResponseReader. One request at a time; no pipelining.
 */
export class Http1Connection {
  private readonly reader = new Http1ResponseReader();
  private socketError: Error | null = null;
  private connected = false;
  /** Requests sent on this connection so far: a request on a used connection may meet a server's idle close. */
  requestsSent = 0;
  closed = false;

  constructor(
    private readonly socket: Socket,
    readonly originKey: string,
    onClosed: (connection: Http1Connection) => void,
    connectTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    const connectTimer = setTimeout(() => {
      const error = new Error(`connect ETIMEDOUT ${originKey} (not open within ${connectTimeoutMs} ms)`);
      this.socketError = Object.assign(error, { code: 'ETIMEDOUT' });
      socket.destroy();
    }, connectTimeoutMs);
    // The timer alone must not keep a process alive that has nothing else to do.
    connectTimer.unref();
    socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      clearTimeout(connectTimer);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (error) {
        // Bytes nobody asked for: whatever the server meant, this connection's framing cannot be trusted.
        if (error instanceof Http1ProtocolError) this.destroy();
        else throw error;
      }
    });
    socket.on('error', (error) => {
      this.socketError = error;
    });
    // Only a parked connection has a timeout set (see park): one that idles that long is closed.
    socket.on('timeout', () => this.destroy());
    socket.on('close', () => {
      clearTimeout(connectTimer);
      this.closed = true;
      this.reader.close(
        this.socketError ? describeCause(this.socketError) : 'closed by the server',
        !this.connected && this.socketError !== null,
      );
      onClosed(this);
    });
  }

  /** Whether a request is outstanding. */
  get busy(): boolean {
    return this.reader.busy;
  }

  /**
   * Sends a request head (GET, no body) and reads its answer into `handlers`; a failure of the connection
   * (reset, closed early, unreadable answer) reaches `handlers.error` as an Http1ProtocolError whose
   * `answered` says whether any byte of the answer had arrived.
   */
  request(head: string, handlers: ResponseHandlers, sendBy?: number): void {
    this.requestsSent++;
    this.reader.expect(handlers);
    if (sendBy === undefined || this.socket.destroyed) {
      this.socket.write(head, 'latin1');
      return;
    }
    if (this.connected) {
      // Checked on an open connection too: the request may have waited for a free connection, or behind other
      // work of this process, since its slot was granted.
      this.sendOrWithdraw(head, handlers, sendBy);
      return;
    }
    // A connection still opening: the request leaves when it opens, unless that is after its rate-limit slot;
    // then nothing is sent and the open connection stays for the next request.
    this.socket.once(this.socket instanceof TLSSocket ? 'secureConnect' : 'connect', () =>
      this.sendOrWithdraw(head, handlers, sendBy),
    );
  }

  /** Sends the request while its slot lasts; past it, sends nothing and tells `handlers.late`. */
  private sendOrWithdraw(head: string, handlers: ResponseHandlers, sendBy: number): void {
    const late = performance.now() - sendBy;
    if (late <= 0) {
      this.socket.write(head, 'latin1');
      return;
    }
    this.requestsSent--;
    this.reader.withdraw();
    handlers.late?.(late);
  }

  /** Waiting in the pool: it must not keep the process alive. */
  park(idleTimeoutMs: number): void {
    this.socket.unref();
    this.socket.setTimeout(idleTimeoutMs);
  }

  /** Taken from the pool for a request. */
  unpark(): void {
    this.socket.setTimeout(0);
    this.socket.ref();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
