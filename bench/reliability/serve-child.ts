import { type ChildProcess, spawn } from 'node:child_process';
import { cliEntry } from '../../test/support/run-node-child.js';

export interface ServeChild {
  child: ChildProcess;
  base: string;
  /** Everything the child wrote on stderr so far (its structured log). */
  stderr(): string;
  stop(): Promise<void>;
}

/** `marketdeck serve` on a database, port 0, as a user runs it; resolves once it listens. */
export async function startServeChild(db: string, env: Record<string, string> = {}): Promise<ServeChild> {
  // The loader flags of this process too (tsx when run from source).
  const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
  const child = spawn(process.execPath, [...flags, cliEntry(), '--db', db, 'serve', '--port', '0'], {
    env: { ...process.env, PRECOMPUTE_CRON: '0 0 1 1 *', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /serving the dashboard at (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
  return {
    child,
    base,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
