import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FetchProgress } from '../../src/fetch/fetch-metrics.js';
import { ProgressReporter } from '../../src/fetch/progress-reporter.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  return { stream, chunks };
}

const progress = (done: number, total = 1000): FetchProgress => ({
  total,
  done,
  fetched: done,
  skipped: 0,
  failed: 0,
  inFlight: 4,
  concurrency: 12,
  barsWritten: done * 250,
  symbol: 'AAPL',
});

describe('ProgressReporter', () => {
  it('redraws one terminal line at most every 100 ms, with counts, rate and ETA', () => {
    let t = 0;
    const { stream, chunks } = sink(true);
    const r = new ProgressReporter({ stream, now: () => t });
    for (let done = 1; done <= 500; done++) {
      t = done * 2; // a ticker every 2 ms: one second in all
      r.update(progress(done));
    }
    assert.ok(chunks.length >= 9 && chunks.length <= 11, `${chunks.length} redraws in one second`);
    assert.ok(chunks.every((c) => c.startsWith('\r') && !c.includes('\n')));
    assert.match(chunks[chunks.length - 1], /\[#+-+\]\s+\d+\/1000 \d+%\s+ok \d+ failed 0 skipped 0\s+500\/s\s+ETA \ds/);
    r.finish();
    assert.ok(chunks[chunks.length - 1].endsWith('\n'));
  });

  it('writes a plain log line every 10% when not on a terminal', () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const r = new ProgressReporter({ stream, now: () => t, logEveryMs: 60_000 });
    for (let done = 1; done <= 1000; done++) {
      t = done;
      r.update(progress(done));
    }
    assert.equal(chunks.length, 10);
    assert.ok(chunks.every((c) => c.endsWith('\n') && !c.includes('\r')));
    assert.match(chunks[0], /^fetch\s+100\/1000 10%/);
    assert.match(chunks[9], /1000\/1000 100%.*in 1s/);
  });

  it('always logs the last ticker, even when the line before came less than 10% earlier', () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const r = new ProgressReporter({ stream, now: () => t, logEveryMs: 5_000 });
    for (let done = 1; done <= 32; done++) {
      // A line every 4 tickers (12.5%) up to 28; the slow 29th is logged by time, 3 short of the end.
      t = done === 29 ? 10_000 : done < 29 ? done * 100 : 10_000 + done;
      r.update(progress(done, 32));
    }
    assert.match(chunks[chunks.length - 2], /^fetch\s+29\/32 /);
    assert.match(chunks[chunks.length - 1], /^fetch\s+32\/32 100%/);
  });

  it('writes a log line at least every logEveryMs even when progress is slow', () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const r = new ProgressReporter({ stream, now: () => t, logEveryMs: 5_000 });
    for (let done = 1; done <= 30; done++) {
      t = done * 1_000;
      r.update(progress(done, 10_000));
    }
    assert.equal(chunks.length, 5, 'one line per 5 s over 30 s (the first interval starts at the first ticker)');
  });
});
