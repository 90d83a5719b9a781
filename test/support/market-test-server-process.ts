import { type MarketTestServer, type MarketTestServerOptions, startMarketTestServer } from './market-test-server.js';

/**
 * Entry of a child process that runs the market test server for a bench or a test (see
 * spawn-market-test-server.ts). The server gets a core of its own to compete for instead of sharing its
 * driver's event loop, so the arrival times it records are a source's, never held up by the driver's work;
 * the parent drives it over the IPC channel. Options come as JSON in argv[2].
 */

/** A call from the parent. */
export type ServerCall =
  | { id: number; op: 'addDay' }
  | { id: number; op: 'stats' }
  | { id: number; op: 'cpu' }
  | { id: number; op: 'served'; symbols: string[] }
  | { id: number; op: 'arrivals' }
  | { id: number; op: 'requestsFor'; symbols: string[] }
  | { id: number; op: 'reset' }
  | { id: number; op: 'close' };

/** What the bench compares a stored ticker with: dates and closes as served. */
export interface ServedBars {
  symbol: string;
  dates: Int32Array | number[];
  close: Float64Array | number[];
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as MarketTestServerOptions;
  const server: MarketTestServer = await startMarketTestServer(options);
  const reply = (id: number, result: unknown) => process.send?.({ id, ok: true, result });
  process.on('message', async (call: ServerCall) => {
    try {
      switch (call.op) {
        case 'addDay':
          reply(call.id, server.addDay());
          return;
        case 'stats':
          reply(call.id, server.stats());
          return;
        case 'cpu':
          reply(call.id, process.cpuUsage());
          return;
        case 'served': {
          const out: ServedBars[] = [];
          for (const symbol of call.symbols) {
            const s = server.series(symbol);
            if (s) out.push({ symbol, dates: Array.from(s.bars.dates), close: Array.from(s.bars.close) });
          }
          reply(call.id, out);
          return;
        }
        case 'arrivals':
          reply(call.id, server.arrivals());
          return;
        case 'requestsFor':
          reply(
            call.id,
            call.symbols.map((symbol) => server.requestsFor(symbol)),
          );
          return;
        case 'reset':
          server.reset();
          reply(call.id, null);
          return;
        case 'close':
          await server.close();
          reply(call.id, null);
          process.disconnect?.();
          return;
      }
    } catch (error) {
      process.send?.({ id: call.id, ok: false, error: (error as Error).stack ?? String(error) });
    }
  });
  // The parent going away ends the server too: a crashed bench must not leave it listening.
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: true, url: server.url });
}

void main().catch((error) => {
  process.stderr.write(`market test server process failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
