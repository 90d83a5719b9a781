import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const BIN = resolve('bin', 'marketdeck');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As run(), without blocking this process: a server here must keep accepting while the child runs. */
function runAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('marketdeck CLI', () => {
  it('prints help and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: marketdeck/);
  });

  it('has --help on every command', () => {
    const top = run(['--help']).stdout;
    const commandsPart = top.slice(top.indexOf('Commands:'));
    const names = [...commandsPart.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <| \[|$| {2})/gm)]
      .map((m) => m[1])
      .filter((n) => n !== 'help');
    assert.ok(names.length >= 2, `commands listed: ${names.join(', ')}`);
    for (const name of names) {
      const r = run([name, '--help']);
      assert.equal(r.code, 0, `${name} --help exited ${r.code}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Usage: marketdeck ${name}`));
    }
  });

  it('exits 2 on an unknown command or option', () => {
    assert.equal(run(['no-such-command']).code, 2);
    assert.equal(run(['config', '--no-such-flag']).code, 2);
  });

  it('exits 2 on a count flag written as an exponent, naming the flag and the value', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'md-cli-')), 'x.db');
    const r = run(['--db', db, 'jobs', '--limit', '1e3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--limit "1e3" is not allowed/);
    const port = run(['--db', db, 'serve', '--port', '1e3']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port "1e3" is not allowed; expected an integer 0-65535/);
  });

  it('exits 2, as a bad flag does, naming the variable when a setting is invalid', () => {
    const r = run(['config'], { CACHE_EXPIRATION_MINUTES: '0' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /CACHE_EXPIRATION_MINUTES/);
    assert.match(r.stderr, /"0"/);
  });

  it('prints the effective config as JSON with secrets masked', () => {
    const r = run(['config', '--json'], { ALPHA_VANTAGE_API_KEY: 'topsecret', FETCH_MAX_CONCURRENT: '20' });
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.equal(json.FETCH_MAX_CONCURRENT, 20);
    assert.equal(json.ALPHA_VANTAGE_API_KEY, '********');
    assert.ok(!r.stdout.includes('topsecret'));
  });

  it('prints its version', () => {
    const r = run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('names the address and the PORT setting when the port is in use', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'md-cli-')), 'x.db');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = await runAsync(['--db', db, 'serve', '--port', String(port)]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use .*PORT or --port`),
      );
      assert.doesNotMatch(r.stderr, /EADDRINUSE|\n\s+at /, 'no raw error or stack');
    } finally {
      taken.close();
    }
  });

  it('takes --db before the command', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'md-cli-')), 'x.db');
    const r = run(['--db', db, 'config', '--json']);
    assert.equal(JSON.parse(r.stdout).MARKETDECK_DB, db);
  });
});
