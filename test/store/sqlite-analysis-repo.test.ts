import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runAnalysisRepoContract } from './analysis-repo-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'marketdeck-analysis-repo-'));
let n = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

runAnalysisRepoContract('SqliteStore', async () => SqliteStore.open(join(dir, `store-${n++}.db`)));
