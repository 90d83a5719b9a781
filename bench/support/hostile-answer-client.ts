import { createFetchHttpGet } from '../../src/sources/http-get.js';
import { createSocketHttpGet } from '../../src/sources/http1/create-socket-http-get.js';
import { processMemory, resetPeakMemory } from './process-memory.js';

/**
 * One request to a flooding answer in a process of its own, as a fetch run makes it: prints what failed,
 * the resident memory before, its peak during the request, and whether the next request is still answered.
 * Env: TRANSPORT (socket|fetch), BASE (the hostile server), ANSWER (bomb|huge|endless), MAX_BODY_BYTES (optional).
 */
async function main(): Promise<void> {
  const options = {
    timeoutMs: 120_000,
    maxBodyBytes: process.env.MAX_BODY_BYTES ? Number(process.env.MAX_BODY_BYTES) : undefined,
  };
  const get = process.env.TRANSPORT === 'fetch' ? createFetchHttpGet(options) : createSocketHttpGet(options);
  const base = process.env.BASE;
  // Warm: modules loaded, a connection open, so what follows is the answer's own cost.
  await (await get(`${base}/warm`, {})).text();
  resetPeakMemory();
  const before = processMemory();
  const started = performance.now();
  let failure: { kind?: string; message: string } | null = null;
  try {
    const r = await get(`${base}/${process.env.ANSWER}/v8/finance/chart/X?crumb=secret`, {});
    await r.text();
  } catch (error) {
    failure = { kind: (error as { kind?: string }).kind, message: (error as Error).message };
  }
  const seconds = (performance.now() - started) / 1000;
  const during = processMemory();
  const next = await get(`${base}/warm`, {});
  await next.text();
  process.stdout.write(
    JSON.stringify({
      failure,
      seconds,
      rssBeforeMb: before.rssMb,
      peakMb: during.peakMb,
      growthMb: during.peakMb - before.rssMb,
      nextStatus: next.status,
    }),
  );
}

await main();
