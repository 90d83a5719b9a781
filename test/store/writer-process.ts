/**
 * A second OS process for the reader/writer test: rewrites every ticker once per round, each round one
 * transaction in which every field of every bar equals the round number. A reader that ever sees two
 * different numbers in one series (or across one snapshot) saw a torn write.
 * Usage: node writer-process.js <db> <tickers> <days> <rounds>
 */
import { emptyBarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [path, tickers, days, rounds] = process.argv.slice(2);
const store = await SqliteStore.open(path);
const start = dayFromIso('2015-01-01');
for (let round = 1; round <= Number(rounds); round++) {
  const writes = [];
  for (let t = 0; t < Number(tickers); t++) {
    const symbol = `W${String(t).padStart(3, '0')}`;
    const s = emptyBarSeries(symbol, Number(days));
    for (let i = 0; i < s.dates.length; i++) s.dates[i] = start + i;
    for (const f of [s.open, s.high, s.low, s.close, s.adjClose, s.volume]) f.fill(round);
    writes.push({ symbol, bars: s, mode: 'replace' as const });
  }
  await store.bars.writeTickers(writes);
  process.stdout.write(`round ${round}\n`);
}
await store.close();
