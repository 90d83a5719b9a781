import net from 'node:net';
import tls from 'node:tls';
import { Http1Connection } from './http1-connection.js';

export interface Http1ConnectionPoolOptions {
  /** Connections open per origin at most; requests beyond wait for one to come free. */
  maxSockets: number;
  /** An idle connection is closed after this long unused. */
  idleTimeoutMs: number;
  /**
   * A connection not open (TCP and TLS) within this long fails as ETIMEDOUT, apart from the request timeout:
   * a host that swallows connection attempts is told from a slow answer in seconds (default 5 s).
   */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Called with a connection for the request (a failure to connect reaches the request's handlers). */
export type ConnectionReady = (connection: Http1Connection) => void;

interface Origin {
  idle: Http1Connection[];
  open: number;
  waiting: { target: URL; ready: ConnectionReady }[];
}

/**
 * Kept-alive connections per origin (scheme, host, port), reused last-in first-out so that a run keeps
 * its warm connections busy and lets the rest time out. Opening is lazy and never blocks: a request that
 * finds no idle connection opens one (the socket queues the request until it connects), up to
 * `maxSockets` per origin, past which it waits for a connection to come free.
 */
export class Http1ConnectionPool {
  private readonly origins = new Map<string, Origin>();

  constructor(private readonly options: Http1ConnectionPoolOptions) {}

  /**
   * Hands `ready` a connection to `target`'s origin: at once when one is idle or may be opened, else when
   * one comes free. Returns the function that withdraws a request still waiting.
   */
  take(target: URL, ready: ConnectionReady): () => void {
    const key = originKey(target);
    const origin = this.origin(key);
    const idle = origin.idle.pop();
    if (idle !== undefined) {
      idle.unpark();
      ready(idle);
      return noop;
    }
    if (origin.open < this.options.maxSockets) {
      ready(this.open(target, key, origin));
      return noop;
    }
    const waiter = { target, ready };
    origin.waiting.push(waiter);
    return () => {
      const i = origin.waiting.indexOf(waiter);
      if (i >= 0) origin.waiting.splice(i, 1);
    };
  }

  /** A connection whose request is over: kept for the next one when `reusable`, else closed. */
  release(connection: Http1Connection, reusable: boolean): void {
    if (!reusable || connection.closed) {
      connection.destroy();
      return;
    }
    const origin = this.origin(connection.originKey);
    const waiter = origin.waiting.shift();
    if (waiter !== undefined) {
      waiter.ready(connection);
      return;
    }
    connection.park(this.options.idleTimeoutMs);
    origin.idle.push(connection);
  }

  private origin(key: string): Origin {
    let origin = this.origins.get(key);
    if (origin === undefined) {
      origin = { idle: [], open: 0, waiting: [] };
      this.origins.set(key, origin);
    }
    return origin;
  }

  private open(target: URL, key: string, origin: Origin): Http1Connection {
    origin.open++;
    // WHATWG keeps the brackets of an IPv6 literal; the socket wants the bare address.
    const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    const secure = target.protocol === 'https:';
    const port = Number(target.port) || (secure ? 443 : 80);
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Http1Connection(socket, key, (closed) => this.closed(closed, origin), connectTimeoutMs);
  }

  private closed(connection: Http1Connection, origin: Origin): void {
    origin.open--;
    const i = origin.idle.indexOf(connection);
    if (i >= 0) origin.idle.splice(i, 1);
    const waiter = origin.waiting.shift();
    if (waiter !== undefined) waiter.ready(this.open(waiter.target, connection.originKey, origin));
  }
}

function originKey(target: URL): string {
  return `${target.protocol}//${target.host}`;
}

function noop(): void {}
