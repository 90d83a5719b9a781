import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineQueue } from './market-test-server/deadline-queue.js';

describe('DeadlineQueue (the market test server latency hold)', () => {
  it('runs callbacks in deadline order, equal deadlines in the order they were queued', async () => {
    const q = new DeadlineQueue();
    const ran: string[] = [];
    const at = (name: string, ms: number) => {
      q.at(performance.now() + ms, () => ran.push(name));
    };
    at('c', 30);
    at('a', 5);
    at('b1', 15);
    at('b2', 15);
    assert.equal(q.size, 4);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(ran, ['a', 'b1', 'b2', 'c']);
    assert.equal(q.size, 0);
  });

  it('drops every waiting callback on clear', async () => {
    const q = new DeadlineQueue();
    let ran = 0;
    q.at(performance.now() + 5, () => ran++);
    q.at(performance.now() + 10, () => ran++);
    q.clear();
    await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(ran, 0);
    assert.equal(q.size, 0);
  });
});
