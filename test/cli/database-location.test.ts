import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

  it('a path that cannot hold a database fails at once with the path and the reason', () => {
    const cwd = join(root, 'project-a');
    const read = run(cwd, ['--db', '/proc/nope/x.db', 'status']);
    assert.equal(read.code, 1);
    assert.match(read.stderr, /no database at \/proc\/nope\/x\.db; run `marketdeck up` or pass --db/);
    const write = run(cwd, ['--db', '/proc/nope/x.db', 'generate', '--tickers', '1', '--days', '5']);
    assert.equal(write.code, 1);
    assert.match(
      write.stderr,
      /cannot create database \/proc\/nope\/x\.db: folder \/proc\/nope cannot be created \(ENOENT/,
    );
    const underFile = run(cwd, ['--db', join(defaultDb, 'x.db'), 'generate', '--tickers', '1', '--days', '5']);
    assert.equal(underFile.code, 1);
    assert.match(underFile.stderr, /is not a folder/);
    const folder = run(cwd, ['--db', dataHome, 'status']);
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /it is a folder, not a database file/);
  });

  it('reads a database in a folder it may not write, and says read-only when asked to write there', () => {
    // Root writes anywhere: the commands then run as nobody, for whom the folder is read-only as on a read-only mount.
    const asUser = process.getuid?.() === 0 ? { uid: 65534 } : {};
    const shelf = join(root, 'shelf');
    mkdirSync(shelf);
    const db = join(shelf, 'market.db');
    assert.equal(run(root, ['--db', db, 'generate', '--tickers', '2', '--days', '40']).code, 0);
    assert.equal(run(root, ['--db', db, 'analyze']).code, 0);
    chmodSync(db, 0o444);
    chmodSync(shelf, 0o555);
    chmodSync(root, 0o755);
    try {
      for (const args of [['status'], ['show', 'S0001'], ['breadth'], ['export', 'bars'], ['jobs']]) {
        const r = run(root, ['--db', db, ...args], asUser);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      const write = run(root, ['--db', db, 'analyze'], asUser);
      assert.equal(write.code, 1);
      assert.match(write.stderr, /cannot open database .*market\.db for writing: (its folder|the file) is read-only/);
      assert.deepEqual(readdirSync(shelf), ['market.db'], 'reading left no -wal or -shm file');
    } finally {
      chmodSync(shelf, 0o755);
    }
  });
});
