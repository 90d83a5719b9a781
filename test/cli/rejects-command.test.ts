import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const BIN = resolve('bin', 'marketdeck');
const HEADER = 'Date,Open,High,Low,Close,Adj Close,Volume';
/** ESC [31m and BEL: what a hostile or binary file could send to the terminal that prints it. */
const CONTROL = '\x1b[31mRED\x07';

describe('marketdeck rejects, and what import prints of hostile files', () => {
  let dir: string;
  let db: string;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'md-rejects-'));
    db = join(dir, 'r.db');
    writeFileSync(join(dir, 'AAA.csv'), `${HEADER}\n2024-01-02,1,2,0.5,1.5,1.5,100\n2024-01-03,x,2,0.5,1.5,1.5,100\n`);
    writeFileSync(join(dir, 'BBB.csv'), `${HEADER}\n2024-01-02,${CONTROL},2,1,1,1,1\n2024-01-03,1,2,0.5,1.5,1.5,100\n`);
    const r = run('import', join(dir, 'AAA.csv'), join(dir, 'BBB.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('\x1b'), 'the import summary escapes the control characters of a rejected row');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every rejected row, newest first, with file:line, reason and the row', () => {
    const r = run('rejects', '--json');
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout);
    assert.deepEqual(
      rows.map((x: { location: string; symbol: string }) => [x.location, x.symbol]),
      [
        [`${join(dir, 'BBB.csv')}:2`, 'BBB'],
        [`${join(dir, 'AAA.csv')}:3`, 'AAA'],
      ],
    );
    assert.match(rows[1].reason, /open "x" is not a number/);
  });

  it('keeps to one file with --file, and escapes control characters in text', () => {
    const one = run('rejects', '--file', join(dir, 'BBB.csv'));
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /BBB\.csv:2 +BBB +non-numeric/);
    assert.doesNotMatch(one.stdout, /AAA/);
    assert.ok(one.stdout.includes('\\x1b[31mRED\\x07'), one.stdout);
    assert.ok(!one.stdout.includes('\x1b'), 'no raw escape reaches the terminal');
    assert.match(run('rejects', '--file', join(dir, 'none.csv')).stdout, /no rejected rows from/);
  });

  it('says a binary file is not a text file instead of echoing its bytes', () => {
    const bytes = Buffer.alloc(2048);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) % 256;
    writeFileSync(join(dir, 'photo.csv'), bytes);
    const r = run('import', join(dir, 'photo.csv'));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /photo\.csv: not a text file \(its first bytes are binary data\)/);
    const controls = [...(r.stdout + r.stderr)].filter((ch) => ch < ' ' && ch !== '\n' && ch !== '\t');
    assert.deepEqual(controls, [], 'no control byte printed');
  });
});
