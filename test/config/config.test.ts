import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultDatabasePath } from '../../src/config/default-database-path.js';
import { ConfigError, describeConfig, loadConfig, parseDuration } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const c = loadConfig({ env: { HOME: '/home/ann' } });
    assert.equal(c.db, join('/home/ann', '.local', 'share', 'marketdeck', 'marketdeck.db'));
    assert.equal(c.fetchMaxConcurrent, 12);
    assert.equal(c.enableAlphaVantage, false);
    assert.equal(c.cacheExpirationMinutes, 15);
  });

  it('keeps the database in the per-user data folder whatever the current folder, run metrics beside it', () => {
    const xdg = loadConfig({ env: { HOME: '/home/ann', XDG_DATA_HOME: '/srv/ann-data' } });
    assert.equal(xdg.db, join('/srv/ann-data', 'marketdeck', 'marketdeck.db'));
    assert.equal(xdg.dataDir, join('/srv/ann-data', 'marketdeck'));
    // A relative XDG_DATA_HOME is not valid by the spec: the home default stands.
    assert.equal(
      loadConfig({ env: { HOME: '/h', XDG_DATA_HOME: 'rel' } }).db,
      '/h/.local/share/marketdeck/marketdeck.db',
    );
    const mine = loadConfig({ env: { MARKETDECK_DB: '/tmp/x/mine.db' } });
    assert.equal(mine.db, '/tmp/x/mine.db');
    assert.equal(mine.dataDir, '/tmp/x');
    assert.equal(loadConfig({ env: { MARKETDECK_DB: '/tmp/x/mine.db' }, overrides: { db: '/a/b.db' } }).db, '/a/b.db');
    assert.equal(loadConfig({ env: { MARKETDECK_DATA_DIR: '/runs-here' } }).dataDir, '/runs-here');
    assert.match(
      defaultDatabasePath({ HOME: '/Users/ann' }, 'darwin'),
      /^\/Users\/ann\/Library\/Application Support\/marketdeck\//,
    );
    assert.match(defaultDatabasePath({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32'), /^C:.*marketdeck/);
  });

  it('takes only http and https base URLs', () => {
    for (const bad of ['ftp://query2.finance.yahoo.com', 'file:///etc/passwd']) {
      assert.throws(
        () => loadConfig({ env: { YAHOO_BASE_URL: bad } }),
        (e: unknown) => e instanceof ConfigError && /YAHOO_BASE_URL/.test(e.message) && /http\(s\) URL/.test(e.message),
        bad,
      );
    }
    assert.equal(
      loadConfig({ env: { YAHOO_BASE_URL: 'HTTP://127.0.0.1:8080' } }).yahooBaseUrl,
      'HTTP://127.0.0.1:8080',
    );
    assert.equal(loadConfig({ env: {} }).fetchConnectTimeoutMs, 5_000);
  });

  it('accepts every boolean spelling', () => {
    for (const [word, value] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['ON', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['off', false],
    ] as const) {
      assert.equal(loadConfig({ env: { ENABLE_ALPHA_VANTAGE: word } }).enableAlphaVantage, value, word);
    }
  });

  it('names the variable, the value and what is allowed when a number is out of range', () => {
    assert.throws(
      () => loadConfig({ env: { FETCH_MAX_CONCURRENT: '999' } }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /FETCH_MAX_CONCURRENT/.test(e.message) &&
        /"999"/.test(e.message) &&
        /1-256/.test(e.message),
    );
  });

  it('rejects a boolean it does not know', () => {
    assert.throws(() => loadConfig({ env: { ENABLE_ALPHA_VANTAGE: 'maybe' } }), /ENABLE_ALPHA_VANTAGE.*"maybe"/);
  });

  it('rejects a malformed duration and URL', () => {
    assert.throws(() => loadConfig({ env: { FETCH_MAX_AGE: '24 hours' } }), /FETCH_MAX_AGE/);
    assert.throws(() => loadConfig({ env: { YAHOO_BASE_URL: 'not a url' } }), /YAHOO_BASE_URL/);
  });

  it('reads a JSON config file, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ fetchMaxConcurrent: 20, CACHE_EXPIRATION_MINUTES: 30 }));
    const c = loadConfig({ env: { FETCH_MAX_CONCURRENT: '7' }, configFile: file });
    assert.equal(c.fetchMaxConcurrent, 7);
    assert.equal(c.cacheExpirationMinutes, 30);
  });

  it('rejects unknown keys and invalid JSON in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"fetchMaxConcurrency": 3}');
    assert.throws(() => loadConfig({ env: {}, configFile: bad }), /unknown setting "fetchMaxConcurrency"/);
    writeFileSync(bad, '{not json');
    assert.throws(() => loadConfig({ env: {}, configFile: bad }), /not valid JSON/);
  });

  it('freezes the result', () => {
    const c = loadConfig({ env: {} });
    assert.throws(() => {
      (c as { db: string }).db = 'x';
    }, TypeError);
  });

  it('masks secrets when described', () => {
    const rows = describeConfig(loadConfig({ env: { ALPHA_VANTAGE_API_KEY: 'sekrit' } }));
    const key = rows.find((r) => r.env === 'ALPHA_VANTAGE_API_KEY');
    assert.equal(key?.value, '********');
    assert.ok(!JSON.stringify(rows).includes('sekrit'));
  });
});

describe('parseDuration', () => {
  it('reads units from milliseconds to weeks', () => {
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('2w'), 1_209_600_000);
    assert.equal(parseDuration('h'), undefined);
  });
});
