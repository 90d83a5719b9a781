import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarketTestServerOptions, MarketTestServerStats } from './market-test-server.js';
import type { ServedBars, ServerCall } from './market-test-server-process.js';

/** A call without its id (the id is added when it is sent). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type CallArgs = WithoutId<ServerCall>;

/** The market test server running in a child process of its own, driven over IPC. */
export class MarketTestServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`market test server: ${m.error}`));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`market test server process exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(options: MarketTestServerOptions): Promise<MarketTestServerProcess> {
    // From dist/test/support (or test/support under tsx): the entry sits next to this file.
    const here = dirname(fileURLToPath(import.meta.url));
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const child = fork(join(here, `market-test-server-process${ext}`), [JSON.stringify(options)], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`market test server process exited (${code}) before it listened`)));
      child.on('message', function onReady(m: { ready?: boolean; url?: string }) {
        if (m.ready && m.url) {
          child.off('message', onReady);
          resolve(m.url);
        }
      });
    });
    child.removeAllListeners('exit');
    return new MarketTestServerProcess(child, url);
  }

  private call<T>(call: CallArgs): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...call, id });
    });
  }

  addDay(): Promise<number> {
    return this.call({ op: 'addDay' });
  }

  stats(): Promise<MarketTestServerStats> {
    return this.call({ op: 'stats' });
  }

  /** CPU the server process has used so far (process.cpuUsage of the child), µs. */
  cpu(): Promise<NodeJS.CpuUsage> {
    return this.call({ op: 'cpu' });
  }

  /** Arrival times of the chart and quote requests since start or reset(), ms on the server process's clock. */
  arrivals(): Promise<number[]> {
    return this.call({ op: 'arrivals' });
  }

  /** Chart requests seen per symbol since start or reset(), in the order asked. */
  requestsFor(symbols: readonly string[]): Promise<number[]> {
    return this.call({ op: 'requestsFor', symbols: [...symbols] });
  }

  /** Forgets the arrivals and counters, as MarketTestServer.reset() does. */
  async reset(): Promise<void> {
    await this.call({ op: 'reset' });
  }

  served(symbols: readonly string[]): Promise<ServedBars[]> {
    return this.call({ op: 'served', symbols: [...symbols] });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.call({ op: 'close' });
    } finally {
      this.child.disconnect();
      await exited;
    }
  }
}
