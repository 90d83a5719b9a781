import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HealthSampler } from '../../src/jobs/health-sampler.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { SystemProbe } from '../../src/jobs/system-probe.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeCallTimings, timeStoreCalls } from '../../src/store/store-call-timings.js';

describe('health sampling', () => {
  let dir: string;
  let store: SqliteStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-health-'));
    store = timeStoreCalls(await SqliteStore.open(join(dir, 'health.db')));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives a missing /proc entry: the figure comes from Node instead, and the sample says what was missing', () => {
    const proc = join(dir, 'proc-empty');
    mkdirSync(proc);
    const probe = new SystemProbe({ procRoot: proc, diskPath: join(dir, 'health.db') });
    try {
      const f = probe.read();
      assert.equal(f.memoryTotalBytes, totalmem(), 'memory from os when meminfo is missing');
      assert.ok(
        f.unavailable.some((u) => u.endsWith(`${join(proc, 'stat')}: ENOENT`)),
        f.unavailable.join('; '),
      );
      assert.ok(
        f.unavailable.some((u) => u.endsWith(`${join(proc, 'meminfo')}: ENOENT`)),
        f.unavailable.join('; '),
      );
      assert.ok(f.rssBytes > 0);
      assert.ok((f.diskFreeBytes ?? 0) > 0);
    } finally {
      probe.close();
    }
  });

  it('reads /proc when it is there, and a garbled entry is a note, not a failure', () => {
    const proc = join(dir, 'proc-fake');
    mkdirSync(proc);
    writeFileSync(join(proc, 'stat'), 'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n');
    writeFileSync(join(proc, 'meminfo'), 'MemTotal:       2048 kB\nMemFree:  1 kB\nMemAvailable:   1024 kB\n');
    const probe = new SystemProbe({ procRoot: proc });
    try {
      writeFileSync(join(proc, 'stat'), 'cpu  200 0 200 1000 0 0 0 0 0 0\n');
      const f = probe.read();
      assert.equal(f.memoryTotalBytes, 2048 * 1024);
      assert.equal(f.memoryAvailableBytes, 1024 * 1024);
      // 200 busy of 400 jiffies since the first reading.
      assert.equal(f.cpuPercent, 50);
      assert.deepEqual(f.unavailable, []);
      writeFileSync(join(proc, 'stat'), 'garbage\n');
      writeFileSync(join(proc, 'meminfo'), 'MemTotal: lots\n');
      const g = probe.read();
      assert.equal(g.memoryTotalBytes, totalmem());
      assert.equal(g.unavailable.length, 2, g.unavailable.join('; '));
    } finally {
      probe.close();
    }
  });

  it('stores a sample with the database figures and the slowest store calls, and prunes past the retention', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const sampler = new HealthSampler({
      store,
      retentionDays: 7,
      procRoot: join(dir, 'proc-empty'),
      diskPath: join(dir, 'health.db'),
      now: () => now,
    });
    try {
      await store.tickers.list();
      const first = await sampler.sampleAndStore();
      const db = first.values.database as { sizeBytes: number; rowCounts: Record<string, number> };
      assert.ok(db.sizeBytes > 0);
      assert.equal(db.rowCounts.health_samples, 0, 'counted before the sample was stored');
      const slowest = first.values.slowestStoreCalls as { call: string; count: number }[];
      assert.ok(
        slowest.some((s) => s.call === 'tickers.list' && s.count === 1),
        JSON.stringify(slowest),
      );
      now = new Date('2026-01-06T00:00:00Z');
      await sampler.sampleAndStore();
      now = new Date('2026-01-09T00:00:00Z');
      await sampler.sampleAndStore();
      const kept = await store.healthSamples.list(new Date(0));
      assert.deepEqual(
        kept.map((s) => s.at.toISOString()),
        ['2026-01-06T00:00:00.000Z', '2026-01-09T00:00:00.000Z'],
        'the first sample is past 7 days and pruned',
      );
      assert.ok(storeCallTimings(store));
    } finally {
      sampler.close();
    }
  });

  it('the scheduler takes a first sample at start, beside the job queue', async () => {
    const queue = new InProcessJobQueue({ jobRuns: store.jobRuns, handlers: {} as never });
    let samples = 0;
    let resolveFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => {
      resolveFirst = resolve;
    });
    const scheduler = new Scheduler({
      queue,
      jobRuns: store.jobRuns,
      precomputeCron: '',
      healthCron: '* * * * *',
      sampleHealth: async () => {
        samples++;
        resolveFirst();
      },
    });
    try {
      await scheduler.start();
      await first;
      assert.equal(samples, 1);
      assert.deepEqual(await store.jobRuns.list(), [], 'a health sample is not a job run');
    } finally {
      scheduler.stop();
      await queue.close();
    }
  });

  it('refuses a health schedule that is not a cron expression, naming the setting', () => {
    assert.throws(
      () =>
        new Scheduler({
          queue: {} as never,
          jobRuns: store.jobRuns,
          precomputeCron: '',
          healthCron: 'every minute please',
          sampleHealth: async () => {},
        }),
      /HEALTH_SAMPLE_CRON "every minute please" is not a cron expression/,
    );
  });
});
