import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const BIN = resolve('bin', 'marketdeck');

describe('where the database lives', () => {
  let root: string;
  let dataHome: string;
  let defaultDb: string;
  /** The CLI as a user runs it: from `cwd`, with no MARKETDECK_DB, the per-user data folder under `root`. */
  const run = (cwd: string, args: string[], options: { uid?: number } = {}) => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: dataHome, HOME: root };
    delete env.MARKETDECK_DB;
    delete env.MARKETDECK_DATA_DIR;
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      env,
      encoding: 'utf8',
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'md-location-'));
    dataHome = join(root, 'xdg-data');
    defaultDb = join(dataHome, 'marketdeck', 'marketdeck.db');
    for (const d of ['project-a', 'project-b']) mkdirSync(join(root, d));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a read-only command refuses a missing database and creates nothing', () => {
    for (const args of [['status'], ['show', 'S0000'], ['breadth', '--json'], ['export', 'bars'], ['jobs']]) {
      const r = run(join(root, 'project-a'), args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, `marketdeck: no database at ${defaultDb}; run \`marketdeck up\` or pass --db\n`);
    }
    assert.equal(existsSync(dataHome), false, 'no folder made');
    assert.deepEqual(readdirSync(join(root, 'project-a')), [], 'no ./data made');
  });

  it('every command finds the per-user database whatever the current folder, and status prints its path', () => {
    const made = run(join(root, 'project-a'), ['generate', '--tickers', '2', '--days', '30', '--seed', '3']);
    assert.equal(made.code, 0, made.stderr);
    assert.ok(existsSync(defaultDb));
    assert.deepEqual(readdirSync(join(root, 'project-a')), [], 'nothing written to the current folder');
    const status = run(join(root, 'project-b'), ['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.database.location, defaultDb);
    assert.equal(s.tickers, 2);
    assert.match(run(join(root, 'project-b'), ['status']).stdout, new RegExp(`^database +sqlite ${defaultDb} `));
    const config = JSON.parse(run(join(root, 'project-b'), ['config', '--json']).stdout);
    assert.equal(config.MARKETDECK_DB, defaultDb);
    assert.equal(config.MARKETDECK_DATA_DIR, join(dataHome, 'marketdeck'), 'run metrics go beside the database');
  });
});
