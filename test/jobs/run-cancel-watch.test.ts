import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runKeys } from '../../src/jobs/queue/queued-work.js';
import { type CancelPoll, RunCancelWatch } from '../../src/jobs/queue/run-cancel-watch.js';

/** Redis's cancel keys as a set; `down` makes every read fail. */
function fakeRedis(cancelled: Set<string>, state = { down: false, reads: 0 }) {
  return {
    state,
    mget: async (keys: string[]) => {
      state.reads++;
      if (state.down) throw new Error('connection lost');
      return keys.map((k) => (cancelled.has(k) ? '1' : null));
    },
  };
}

/** A poll the test drives: `looks` holds the running schedule's check while one runs. */
function manualPoll() {
  const looks: (() => Promise<void>)[] = [];
  const poll: CancelPoll = (check) => {
    looks.push(check);
    return () => looks.splice(looks.indexOf(check), 1);
  };
  return { poll, looks };
}

describe('RunCancelWatch', () => {
  it('aborts the running parts of a cancelled run only, and polls only while parts run', async () => {
    const cancelled = new Set<string>();
    const redis = fakeRedis(cancelled);
    const { poll, looks } = manualPoll();
    const watch = new RunCancelWatch(redis as never, 'p', poll);
    const a1 = watch.watch('run-a');
    const a2 = watch.watch('run-a');
    const b = watch.watch('run-b');
    assert.equal(looks.length, 1, 'one schedule for every watched part');

    await looks[0]();
    assert.equal(a1.signal.aborted || b.signal.aborted, false);
    cancelled.add(runKeys('p', 'run-a').cancel);
    await looks[0]();
    assert.equal(a1.signal.aborted, true);
    assert.equal(a2.signal.aborted, true);
    assert.equal(b.signal.aborted, false);

    for (const h of [a1, a2, b]) h.release();
    assert.equal(looks.length, 0, 'no part running: the schedule stops');
    watch.watch('run-c').release();
    assert.equal(looks.length, 0);
  });

  it('lets the parts run on when Redis cannot be read, and says so', async () => {
    const redis = fakeRedis(new Set(['p:run:run-a:cancel']), { down: true, reads: 0 });
    const logged: string[] = [];
    const { poll, looks } = manualPoll();
    const watch = new RunCancelWatch(redis as never, 'p', poll, (m) => logged.push(m));
    const a = watch.watch('run-a');
    await looks[0]();
    assert.equal(a.signal.aborted, false);
    assert.match(logged[0] ?? '', /connection lost/);
    redis.state.down = false;
    await looks[0]();
    assert.equal(a.signal.aborted, true, 'the next look sees the cancel');
    a.release();
  });
});
