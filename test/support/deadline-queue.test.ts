import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeadlineClock, DeadlineQueue } from './market-test-server/deadline-queue.js';

/**
 * Time that moves only when the test says: the queue's order and its timer are checked without depending
 * on how busy the machine is (a real clock moves on between two `at` calls under load).
 */
class FakeClock implements DeadlineClock {
  private t = 1_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    // As Node does: a delay under 1 ms is 1 ms, so a timer never fires in the tick that armed it.
    this.timers.set(id, { at: this.t + Math.max(1, delayMs), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time on by `ms`, firing each timer at its time, earliest first. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }

  get pending(): number {
    return this.timers.size;
  }
}

describe('DeadlineQueue (the market test server latency hold)', () => {
  it('runs callbacks in deadline order, equal deadlines in the order they were queued', () => {
    const clock = new FakeClock();
    const q = new DeadlineQueue(clock);
    const ran: string[] = [];
    const start = clock.now();
    const at = (name: string, ms: number) => q.at(start + ms, () => ran.push(name));
    at('c', 30);
    at('a', 5);
    at('b1', 15);
    at('b2', 15);
    assert.equal(q.size, 4);
    clock.advance(4);
    assert.deepEqual(ran, [], 'nothing is due yet');
    clock.advance(12);
    assert.deepEqual(ran, ['a', 'b1', 'b2']);
    clock.advance(20);
    assert.deepEqual(ran, ['a', 'b1', 'b2', 'c']);
    assert.equal(q.size, 0);
    assert.equal(clock.pending, 0, 'no timer left armed');
  });

  it('drops every waiting callback on clear', () => {
    const clock = new FakeClock();
    const q = new DeadlineQueue(clock);
    let ran = 0;
    q.at(clock.now() + 5, () => ran++);
    q.at(clock.now() + 10, () => ran++);
    q.clear();
    clock.advance(25);
    assert.equal(ran, 0);
    assert.equal(q.size, 0);
    assert.equal(clock.pending, 0);
  });
});
