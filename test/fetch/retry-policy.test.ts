import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRetryable, RetryPolicy, withRetry } from '../../src/fetch/retry-policy.js';
import { SourceError, type SourceErrorKind } from '../../src/sources/source.js';

const err = (kind: SourceErrorKind, retryAfterMs?: number) =>
  new SourceError(kind, `a ${kind} failure`, retryAfterMs === undefined ? {} : { retryAfterMs });

describe('RetryPolicy', () => {
  it('retries 429, 5xx, timeouts, resets, truncated bodies, HTML pages and garbled JSON', () => {
    const policy = new RetryPolicy({ maxRetries: 3 });
    for (const kind of ['rate-limited', 'server-error', 'timeout', 'network', 'truncated', 'html'] as const) {
      assert.equal(policy.shouldRetry(err(kind), 0), true, kind);
      assert.equal(isRetryable(err(kind)), true, kind);
    }
    const garbled = new SourceError('malformed', 'a 200 that is not JSON', { status: 200, garbled: true });
    assert.equal(policy.shouldRetry(garbled, 0), true);
  });

  it('treats 404, 400, answers of the wrong shape, oversized answers, insecure redirects and non-source errors as final', () => {
    const policy = new RetryPolicy({ maxRetries: 3 });
    for (const kind of [
      'not-found',
      'bad-request',
      'malformed',
      'auth',
      'quota',
      'too-large',
      'insecure-redirect',
    ] as const) {
      assert.equal(policy.shouldRetry(err(kind), 0), false, kind);
    }
    assert.equal(policy.shouldRetry(new TypeError('bug'), 0), false);
  });

  it('stops after maxRetries retries', () => {
    const policy = new RetryPolicy({ maxRetries: 2 });
    assert.equal(policy.shouldRetry(err('timeout'), 1), true);
    assert.equal(policy.shouldRetry(err('timeout'), 2), false);
  });

  it('draws the backoff between 0 and a cap that doubles per retry up to maxDelayMs', () => {
    const top = new RetryPolicy({ maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999_999 });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 8].map((n) => top.delayMs(err('server-error'), n)),
      [99, 199, 399, 799, 999, 999],
    );
    const bottom = new RetryPolicy({ maxRetries: 10, baseDelayMs: 100, random: () => 0 });
    assert.equal(bottom.delayMs(err('server-error'), 5), 0);
  });

  it("waits as long as the server's Retry-After says, instead of the backoff", () => {
    const policy = new RetryPolicy({ maxRetries: 3, baseDelayMs: 10, random: () => 0.5 });
    assert.equal(policy.delayMs(err('rate-limited', 7_000), 0), 7_000);
    assert.equal(policy.shouldRetry(err('rate-limited', 7_000), 0), true);
  });

  it('gives up on a Retry-After longer than maxRetryAfterMs', () => {
    const policy = new RetryPolicy({ maxRetries: 3, maxRetryAfterMs: 60_000 });
    assert.equal(policy.shouldRetry(err('rate-limited', 3_600_000), 0), false);
  });

  it('rejects a negative retry count naming the value', () => {
    assert.throws(() => new RetryPolicy({ maxRetries: -1 }), /maxRetries=-1/);
  });
});

describe('withRetry', () => {
  it('returns the first success after transient failures and reports each retry', async () => {
    const policy = new RetryPolicy({ maxRetries: 5, baseDelayMs: 2 });
    const seen: string[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw err('rate-limited');
        if (calls === 2) throw err('timeout');
        return 'bars';
      },
      policy,
      { onRetry: (e, _ms, n) => seen.push(`${n}:${(e as SourceError).kind}`) },
    );
    assert.equal(value, 'bars');
    assert.equal(calls, 3);
    assert.deepEqual(seen, ['1:rate-limited', '2:timeout']);
  });

  it('throws the last error after 1 + maxRetries attempts', async () => {
    const policy = new RetryPolicy({ maxRetries: 2, baseDelayMs: 1 });
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw err('server-error');
      }, policy),
      (e: unknown) => e instanceof SourceError && e.kind === 'server-error',
    );
    assert.equal(calls, 3);
  });

  it('does not retry a final error', async () => {
    const policy = new RetryPolicy({ maxRetries: 5, baseDelayMs: 1 });
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw err('not-found');
      }, policy),
      /not-found failure/,
    );
    assert.equal(calls, 1);
  });

  it('stops waiting when the run is cancelled during a backoff', async () => {
    const policy = new RetryPolicy({ maxRetries: 5, baseDelayMs: 60_000, random: () => 0.99 });
    const controller = new AbortController();
    const run = withRetry(
      async () => {
        throw err('server-error');
      },
      policy,
      { signal: controller.signal, onRetry: () => controller.abort(new Error('cancelled by user')) },
    );
    await assert.rejects(run, /cancelled by user/);
  });
});
