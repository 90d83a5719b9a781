import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './build-app.js';

export interface RunningServer {
  server: Server;
  /** http://host:port/ with the port actually bound (PORT=0 picks a free one). */
  url: string;
  port: number;
  /** Ends event streams, stops accepting and waits for open requests to finish. */
  close(): Promise<void>;
}

export interface ServerLimits {
  /** Time a client has to send its request headers (SERVER_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** Time a client has after its headers to send the body (SERVER_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  /** Open connections at most; more are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 5000,
  bodyTimeoutMs: 10_000,
  maxConnections: 1024,
};

/**
 * Node checks its header and request timeouts only this often (30 s by default), so a slow client would hold
 * a connection that much past its limit.
 */
const TIMEOUT_CHECK_MS = 500;

/**
 * Listens on host:port with the app; separate from buildApp so tests can use any listener. A client that
 * sends its request slowly (a byte every few seconds) is cut off at the limits instead of holding a socket
 * for Node's default five minutes.
 */
export function startServer(
  app: App,
  host: string,
  port: number,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Promise<RunningServer> {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    (req, res) => void app.handle(req, res),
  );
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        url: `http://${shown}:${bound}/`,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            app.close();
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
