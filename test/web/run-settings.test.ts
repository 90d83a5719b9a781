import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyJobEvent, progressFraction } from '../../web/src/state/job-tracker.js';
import { checkRunSettings, refreshSeconds, updateBody } from '../../web/src/state/run-settings.js';

describe('run settings', () => {
  it('accepts the CLI universes, file: paths and empty limits', () => {
    const ok = checkRunSettings({ universe: 'sp500', maxStocks: '', maxConcurrent: ' 16 ', force: true });
    assert.deepEqual(ok, { ok: true, value: { universe: 'sp500', maxStocks: null, maxConcurrent: 16, force: true } });
    assert.equal(
      checkRunSettings({ universe: 'file:my.txt', maxStocks: '5', maxConcurrent: '', force: false }).ok,
      true,
    );
  });

  it('refuses what the CLI refuses, naming the value and what is allowed', () => {
    const bad = checkRunSettings({ universe: 'sp501', maxStocks: '1e3', maxConcurrent: '257', force: false });
    assert.equal(bad.ok, false);
    if (bad.ok) return;
    assert.match(bad.errors.universe, /universe "sp501" is not known; expected one of cached, sample, sp500/);
    assert.match(bad.errors.maxStocks, /max stocks "1e3" is not allowed; expected an integer from 1 to 100,000,000/);
    assert.match(bad.errors.maxConcurrent, /from 1 to 256/);
  });

  it('sends only the fields set, and Add more stocks as an expanding update', () => {
    const s = { universe: 'cached', maxStocks: null, maxConcurrent: null, force: false };
    assert.deepEqual(updateBody(s), { universe: 'cached' });
    assert.deepEqual(updateBody({ ...s, universe: 'sp500' }, { expand: true, maxStocks: 50 }), {
      universe: 'sp500',
      maxStocks: 50,
      expand: true,
    });
  });

  it('refreshes every dashboardRefreshSeconds when the server says, else every 300 s', () => {
    assert.equal(refreshSeconds({ dashboardRefreshSeconds: 60 }), 60);
    assert.equal(refreshSeconds({}), 300);
    assert.equal(refreshSeconds(null), 300);
  });
});

describe('job tracker', () => {
  const run = {
    id: 'u1',
    kind: 'update',
    params: {},
    progress: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    metrics: null,
    error: null,
  };

  it('follows a job from queued through progress to its summary', () => {
    let jobs = applyJobEvent([], { type: 'queued', run: { ...run, status: 'queued' } });
    jobs = applyJobEvent(jobs, {
      type: 'progress',
      id: 'u1',
      kind: 'update',
      progress: { done: 5, total: 20, stage: 'fetch', message: '5 of 20' },
    });
    assert.equal(progressFraction(jobs[0].progress), 0.25);
    jobs = applyJobEvent(jobs, {
      type: 'finished',
      run: {
        ...run,
        status: 'succeeded',
        finishedAt: '2026-01-01T00:01:00Z',
        metrics: { summary: 'fetched 20 tickers' },
      },
    });
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].result, 'fetched 20 tickers');
  });

  it('says why a job failed and keeps only the last finished ones', () => {
    let jobs = applyJobEvent([], {
      type: 'finished',
      run: { ...run, status: 'failed', error: 'network down', finishedAt: 'x' },
    });
    assert.equal(jobs[0].result, 'update failed: network down');
    for (let i = 0; i < 10; i++)
      jobs = applyJobEvent(
        jobs,
        { type: 'finished', run: { ...run, id: `j${i}`, status: 'succeeded', finishedAt: 'x' } },
        3,
      );
    assert.deepEqual(
      jobs.map((j) => j.id),
      ['j7', 'j8', 'j9'],
    );
  });
});
