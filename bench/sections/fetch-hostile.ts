import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HostileAnswer, startHostileSourceServer } from '../../test/support/hostile-source-server.js';
import { runNodeChild } from '../../test/support/run-node-child.js';
import { atMost, type BenchFigure, type BenchSection, info } from '../bench-section.js';
import { startServeChild } from '../reliability/serve-child.js';
import { processMemory, resetPeakMemory } from '../support/process-memory.js';

const MB = 1024 * 1024;
const ANSWERS: readonly HostileAnswer[] = ['bomb', 'huge', 'endless'];
/** What one flooding answer may add to a process's resident memory at the default limit. */
const MOST_GROWTH_MB = 50;

/**
 * What a source that floods costs at the default FETCH_MAX_BODY_BYTES: a gzip bomb that expands to 1 GB
 * (about 1 MB sent), a 600 MB plain body, an endless chunked body. Each is asked once by each transport in a
 * process of its own (peak resident memory during the request against before it), then by fetch jobs POSTed
 * to `marketdeck serve`, whose peak is read the same way from outside.
 */
export const fetchHostileSection: BenchSection = {
  name: 'fetch-hostile',
  description: 'memory of one request, and of a served fetch job, against answers that flood',
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const details: Record<string, unknown> = {};
    ctx.log('building a gzip bomb of 1 GB of zeros...');
    const hostile = await startHostileSourceServer({ bombBytes: 1024 * MB, hugeBytes: 600 * MB });
    try {
      figures.push(info('gzip bomb as sent', Math.round((hostile.bombSize / 1024) * 10) / 10, 'KB'));
      const client = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'support', 'hostile-answer-client.js');
      for (const transport of ['socket', 'fetch'] as const) {
        for (const answer of ANSWERS) {
          ctx.log(`${transport} transport, ${answer} answer...`);
          const run = await runNodeChild([client], { TRANSPORT: transport, BASE: hostile.url, ANSWER: answer });
          if (run.code !== 0) throw new Error(`${transport}/${answer} client failed: ${run.stderr}`);
          const r = JSON.parse(run.stdout);
          details[`${transport}-${answer}`] = r;
          const failedRight = r.failure?.kind === 'too-large' && r.nextStatus === 404;
          figures.push(
            atMost(
              `${transport}: ${answer}, RSS growth of the request`,
              Math.round(r.growthMb * 10) / 10,
              'MB',
              MOST_GROWTH_MB,
              failedRight ? `too-large in ${r.seconds.toFixed(2)} s; next request answered` : JSON.stringify(r),
            ),
          );
        }
      }
      const served = await servedFetchJobs(hostile.url, ctx.tmpDir, ctx.log);
      details.serve = served;
      for (const job of served.jobs) {
        const answeredRight = job.status === 'failed' && /too-large/.test(job.error) && job.healthz === 200;
        const note = answeredRight
          ? 'job failed (too-large), /healthz 200'
          : `${job.status}: ${job.error}; /healthz ${job.healthz}`;
        const growth = Math.round(job.growthMb * 10) / 10;
        if (job.tickers.length === 1) {
          figures.push(atMost(`serve: fetch job of ${job.tickers[0]}, RSS growth`, growth, 'MB', MOST_GROWTH_MB, note));
        } else {
          // Its floods are asked concurrently, in memory the single jobs' floods left to the process for reuse.
          figures.push(info(`serve: fetch job of ${job.tickers.join(', ')} at once, RSS growth`, growth, 'MB', note));
        }
      }
      figures.push(
        info(
          'serve: RSS after every job, against before the first',
          Math.round((served.rssAfterMb - served.jobs[0].rssBeforeMb) * 10) / 10,
          'MB',
        ),
      );
    } finally {
      await hostile.close();
    }
    return { figures, details };
  },
};

interface ServedJob {
  tickers: string[];
  status: string;
  error: string;
  healthz: number;
  rssBeforeMb: number;
  peakMb: number;
  growthMb: number;
}

/**
 * `marketdeck serve` with Yahoo pointed at the floods; a fetch job POSTed for each flood alone, then one for
 * all three at once (the fetch engine asks them concurrently), each awaited and followed by /healthz.
 */
async function servedFetchJobs(
  hostileUrl: string,
  tmpDir: string,
  log: (m: string) => void,
): Promise<{ jobs: ServedJob[]; rssAfterMb: number }> {
  const serve = await startServeChild(join(tmpDir, 'serve.db'), {
    MARKETDECK_DATA_DIR: tmpDir,
    YAHOO_BASE_URL: hostileUrl,
    FETCH_TIMEOUT_MS: '120000',
    PRECOMPUTE_CRON: '',
    UPDATE_CRON: '',
  });
  try {
    const base = serve.base;
    const pid = serve.child.pid as number;
    const jobs: ServedJob[] = [];
    for (const tickers of [['BOMB'], ['HUGE'], ['ENDLESS'], ['BOMB', 'HUGE', 'ENDLESS']]) {
      log(`serve at ${base}: a fetch job of ${tickers.join(', ')}...`);
      resetPeakMemory(pid);
      const before = processMemory(pid);
      const posted = await fetch(`${base}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'fetch', params: { tickers, quotes: false } }),
      });
      const { id } = (await posted.json()) as { id: string };
      let run: { status: string; error?: string };
      for (;;) {
        run = (await (await fetch(`${base}/api/jobs/${id}`)).json()) as typeof run;
        if (run.status !== 'queued' && run.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const healthz = (await fetch(`${base}/healthz`)).status;
      const after = processMemory(pid);
      jobs.push({
        tickers,
        status: run.status,
        error: run.error ?? '',
        healthz,
        rssBeforeMb: before.rssMb,
        peakMb: after.peakMb,
        growthMb: after.peakMb - before.rssMb,
      });
    }
    return { jobs, rssAfterMb: processMemory(pid).rssMb };
  } finally {
    await serve.stop();
  }
}
