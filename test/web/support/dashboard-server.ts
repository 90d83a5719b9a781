import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'bin', 'marketdeck');

/** A sector name a user's file could hold: it must show as text, never become markup. */
export const HOSTILE_SECTOR = '<img src=x onerror=window.__xss=1>';
export const HOSTILE_SYMBOL = 'XSSA';

export interface DashboardServer {
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** Runs the CLI on a database, as a user would; rejects with its stderr when it exits non-zero. */
export async function marketdeck(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * The bundled sample alone, analysed and precomputed: what a user has after `marketdeck up`. The pages
 * photographed for people to look at show this, a market as it is, with no test-only ticker in it.
 */
export async function buildBundledSampleDatabase(dir: string, name = 'sample.db'): Promise<string> {
  const db = join(dir, name);
  await marketdeck(['up', '--no-serve', '--json', '--db', db]);
  return db;
}

/**
 * The bundled sample plus one imported ticker whose sector is markup, analysed and precomputed: what a
 * user has after `marketdeck up` and an import of their own file.
 */
export async function buildSampleDatabase(dir: string): Promise<string> {
  const db = await buildBundledSampleDatabase(dir, 'dashboard.db');
  const csv = [`Date,Open,High,Low,Close,Adj Close,Volume`];
  const day = new Date('2017-01-03T00:00:00Z');
  let price = 50;
  for (let i = 0; day <= new Date('2018-02-07T00:00:00Z'); day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    price *= 1 + Math.sin(i++ / 7) * 0.01;
    const p = price.toFixed(2);
    csv.push(
      `${day.toISOString().slice(0, 10)},${p},${(price * 1.01).toFixed(2)},${(price * 0.99).toFixed(2)},${p},${p},100000`,
    );
  }
  writeFileSync(join(dir, `${HOSTILE_SYMBOL}.csv`), `${csv.join('\n')}\n`);
  writeFileSync(
    join(dir, 'sectors.csv'),
    `Symbol,Name,Sector\n${HOSTILE_SYMBOL},"<b>Evil</b> Corp","${HOSTILE_SECTOR}"\n`,
  );
  await marketdeck([
    'import',
    join(dir, `${HOSTILE_SYMBOL}.csv`),
    '--sector-file',
    join(dir, 'sectors.csv'),
    '--json',
    '--db',
    db,
  ]);
  await marketdeck(['analyze', '--json', '--db', db]);
  await marketdeck(['precompute', '--json', '--db', db]);
  return db;
}

/** `marketdeck serve` on a free port; resolves once it prints the address it serves. */
export async function startDashboardServer(db: string, env: Record<string, string> = {}): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'md-web-serve-'));
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], {
    env: { ...process.env, LOG_LEVEL: 'warn', MARKETDECK_DATA_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`marketdeck serve did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`marketdeck serve exited ${code}: ${output}`)));
  });
  return {
    url,
    dir,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
