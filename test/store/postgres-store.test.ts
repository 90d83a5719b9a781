import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres-test-database.js';
import { runAnalysisRepoContract } from './analysis-repo-contract.js';
import { runStoreContract } from './store-contract.js';

const available = await postgresAvailable();
if (!available.ok) console.log(`# ${available.reason}`);
const skip = available.ok ? false : available.reason;

let database: TestDatabase | null = null;
before(async () => {
  if (available.ok) database = await createTestDatabase('store');
});
after(async () => {
  await database?.drop();
});

describe('PostgresStore', { skip }, () => {
  runStoreContract('postgres', async () => PostgresStore.open(await database!.freshSchemaUrl()));
  runAnalysisRepoContract('PostgresStore', async () => PostgresStore.open(await database!.freshSchemaUrl()));

  it('masks the password in its location and reports its schema version and size', async () => {
    const url = await database!.freshSchemaUrl();
    const withPassword = url.replace('postgres://postgres@', 'postgres://postgres:hunter2@');
    const store = await PostgresStore.open(withPassword);
    try {
      assert.ok(!store.location.includes('hunter2'), store.location);
      assert.ok(store.location.includes('***'));
      const info = await store.info();
      assert.equal(info.kind, 'postgres');
      assert.equal(info.schemaVersion, 1);
      assert.ok(info.sizeBytes > 0);
      assert.equal(store.readerLocation(), withPassword);
    } finally {
      await store.close();
    }
  });

  it('refuses a URL that names no PostgreSQL server, saying what was expected', async () => {
    await assert.rejects(
      PostgresStore.open('mysql://x@127.0.0.1/db'),
      /expected postgres:\/\/user@host:port\/database/,
    );
  });

  it('opens read-only only at the current schema, naming the database when it holds none', async () => {
    const url = await database!.freshSchemaUrl();
    await assert.rejects(PostgresStore.open(url, { readOnly: true }), /holds no marketdeck data/);
    await (await PostgresStore.open(url)).close();
    const reader = await PostgresStore.open(url, { readOnly: true });
    await reader.close();
  });

  it('lets two processes migrate the same database at once', async () => {
    const url = await database!.freshSchemaUrl();
    const [a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    assert.equal((await a.info()).schemaVersion, 1);
    assert.equal((await b.info()).schemaVersion, 1);
    await a.close();
    await b.close();
  });
});
