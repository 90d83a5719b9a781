import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { importFiles } from '../../src/fetch/import-files.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { atMost, type BenchSection, info, median, sharedPricesFile } from '../bench-section.js';

const RUNS = 3;

/**
 * The real Kaggle file (619,040 rows, 505 tickers) imported through the whole pipeline (gunzip, parse,
 * validate, flag, write per ticker) into a fresh SQLite store, against the floor of what SQLite itself
 * takes to load the same rows: the sqlite3 shell's `.import` of the already-decompressed CSV into a plain
 * table. Runs are interleaved so machine load hits both sides alike; medians are reported.
 */
export const storeImportBench: BenchSection = {
  name: 'store-import',
  description: 'import all_stocks_5yr.csv.gz into a fresh SQLite store vs sqlite3 .import of the same CSV',
  async run(ctx) {
    const src = sharedPricesFile(ctx);
    if (!src) {
      return { figures: [info('skipped', 0, '', 'shared data (prices/all_stocks_5yr.csv.gz) not present')] };
    }
    // Decompressed once, outside any timing: sqlite3 reads plain CSV.
    const csv = join(ctx.tmpDir, 'all_stocks_5yr.csv');
    writeFileSync(csv, gunzipSync(readFileSync(src)));
    const haveSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;

    const ours: number[] = [];
    const again: number[] = [];
    const theirs: number[] = [];
    let rows = 0;
    let rejected = 0;
    let dbBytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const dbPath = join(ctx.tmpDir, `import-${run}.db`);
      const store = await SqliteStore.open(dbPath);
      let t = performance.now();
      const summary = await importFiles(store, [src]);
      ours.push((performance.now() - t) / 1000);
      t = performance.now();
      await importFiles(store, [src]);
      again.push((performance.now() - t) / 1000);
      rows = summary.rowsStored;
      rejected = summary.rowsRejected;
      dbBytes = (await store.info()).sizeBytes;
      await store.close();
      rmSync(dbPath, { force: true });
      rmSync(`${dbPath}-wal`, { force: true });
      rmSync(`${dbPath}-shm`, { force: true });
      ctx.log(`run ${run + 1}: import ${ours[run].toFixed(2)} s, re-import ${again[run].toFixed(2)} s`);

      if (haveSqlite3) {
        const plain = join(ctx.tmpDir, `plain-${run}.db`);
        t = performance.now();
        const r = spawnSync('sqlite3', [plain, '.mode csv', `.import ${csv} prices`], { encoding: 'utf8' });
        theirs.push((performance.now() - t) / 1000);
        if (r.status !== 0) throw new Error(`sqlite3 .import failed: ${r.stderr}`);
        rmSync(plain, { force: true });
        ctx.log(`run ${run + 1}: sqlite3 .import ${theirs[run].toFixed(2)} s`);
      }
    }
    const seconds = median(ours);
    const figures = [
      info('rows stored', rows, 'rows', `${rejected} rejected (the file's real defects)`),
      info('import', seconds, 's', `median of ${RUNS}, gzip file to committed SQLite rows`),
      info('import rate', rows / seconds, 'rows/s'),
      info('re-import (nothing changes)', median(again), 's'),
      info('database size', dbBytes / 2 ** 20, 'MiB'),
    ];
    if (haveSqlite3) {
      const floor = median(theirs);
      figures.push(
        info(
          'sqlite3 .import of the plain CSV',
          floor,
          's',
          `median of ${RUNS}; no parsing of numbers or dates, no checks`,
        ),
      );
      figures.push(atMost('import / sqlite3 .import', seconds / floor, 'x', 2));
    } else {
      figures.push(info('sqlite3 .import', Number.NaN, 's', 'sqlite3 command-line shell not found'));
    }
    return { figures, details: { ours, again, theirs } };
  },
};
