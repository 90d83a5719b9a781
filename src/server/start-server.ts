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

/** Listens on host:port with the app; separate from buildApp so tests can use any listener. */
export function startServer(app: App, host: string, port: number): Promise<RunningServer> {
  const server = createServer((req, res) => void app.handle(req, res));
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
