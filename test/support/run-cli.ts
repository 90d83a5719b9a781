import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin', 'marketdeck');

/** Runs `marketdeck --db DB ...args` as a child process, as a user does, with its data folder in `dataDir`. */
export function runCli(db: string, dataDir: string, args: readonly string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MARKETDECK_DATA_DIR: dataDir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
