import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/config/create-logger.js';
import { loadConfig, secretRedactor } from '../../src/config/index.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import { accessLog } from '../../src/server/access-log.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';
import { getJson, startTestServer } from '../server/server-test-kit.js';

/** A pino destination that keeps each JSON line. */
function capture(): { lines: Record<string, unknown>[]; raw: string[]; write(line: string): void } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line));
    },
  };
}

const SECRET = 'tok-9f8e7d6c5b4a';

describe('the structured logger', () => {
  it('writes JSON lines at LOG_LEVEL and above only', () => {
    const out = capture();
    const logger = createLogger(loadConfig({ env: { LOG_LEVEL: 'warn' } }), { destination: out });
    logger.info('not at warn');
    logger.debug('not at warn either');
    logger.warn({ job: 'j1' }, 'slow source');
    logger.error('failed');
    assert.deepEqual(
      out.lines.map((l) => [l.level, l.msg]),
      [
        [40, 'slow source'],
        [50, 'failed'],
      ],
    );
    assert.equal(out.lines[0].job, 'j1');
  });

  it('never writes a configured secret, in the message, a field or a credential header', () => {
    const out = capture();
    const config = loadConfig({ env: { LOG_LEVEL: 'debug', API_TOKEN: SECRET } });
    const logger = createLogger(config, { destination: out });
    const job = logger.child({ job: 'fetch-1' });
    job.error({ url: `http://x/?token=${SECRET}`, nested: { deep: [SECRET] } }, `request failed with ${SECRET}`);
    job.info({ headers: { authorization: 'Bearer abc-other-secret' } }, 'answered');
    assert.equal(out.raw.join('').includes(SECRET), false, out.raw.join(''));
    assert.equal(out.raw.join('').includes('abc-other-secret'), false);
    assert.equal(out.lines[0].job, 'fetch-1', 'a child logger carries its job');
    assert.match(String(out.lines[0].msg), /request failed with \*\*\*/);
  });
});

describe('the access log of serve', () => {
  it('writes one line per request, and one `aborted` line, no stack, for a client that goes away', async () => {
    const out = capture();
    const logger = createLogger(loadConfig({ env: { LOG_LEVEL: 'info' } }), { destination: out });
    const t = await startTestServer({ onRequest: accessLog(logger) });
    try {
      assert.equal((await getJson(t.base, '/api/overview')).status, 200);
      assert.equal((await getJson(t.base, '/api/nothing-here')).status, 404);
      // An event stream the client drops: the answer never completes.
      await new Promise<void>((resolve, reject) => {
        const req = request(`${t.base}/api/events`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
        req.end();
      });
      while (out.lines.length < 3) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        out.lines.map((l) => [l.method, l.path, l.status, l.aborted, l.msg]),
        [
          ['GET', '/api/overview', 200, false, 'request'],
          ['GET', '/api/nothing-here', 404, false, 'request'],
          ['GET', '/api/events', 200, true, 'request aborted by the client'],
        ],
      );
      assert.ok(Number(out.lines[0].bytes) > 200, `the overview line counts its bytes: ${out.lines[0].bytes}`);
      assert.equal(
        out.raw.some((l) => /stack|Error:/.test(l)),
        false,
      );
    } finally {
      await t.close();
    }
  });
});

describe('the job queue with the structured logger', () => {
  it('logs each job through a child logger of its own: start, messages and end carry its id and kind', async () => {
    const out = capture();
    const config = loadConfig({ env: { LOG_LEVEL: 'info', API_TOKEN: SECRET } });
    const { store, dispose } = await openTempStore();
    const queue = new InProcessJobQueue({
      jobRuns: store.jobRuns,
      logger: createLogger(config, { destination: out }),
      redact: secretRedactor(config),
      handlers: {
        precompute: async (ctx) => {
          ctx.log('building 3 payloads');
          return { entries: 3 };
        },
        analyze: async () => {
          throw new Error(`no bars (token ${SECRET})`);
        },
      },
    });
    try {
      const ok = await queue.enqueue('precompute');
      await ok.done;
      const bad = await queue.enqueue('analyze');
      await bad.done;
      assert.deepEqual(
        out.lines.map((l) => [l.job, l.kind, l.msg, l.status ?? null]),
        [
          [ok.id, 'precompute', 'job started', null],
          [ok.id, 'precompute', 'building 3 payloads', null],
          [ok.id, 'precompute', 'job finished', 'succeeded'],
          [bad.id, 'analyze', 'job started', null],
          [bad.id, 'analyze', 'job failed', 'failed'],
        ],
      );
      assert.equal(out.raw.join('').includes(SECRET), false);
    } finally {
      await queue.close();
      await dispose();
    }
  });
});
