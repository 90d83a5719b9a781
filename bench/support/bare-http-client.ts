import { createHttpGet } from '../../src/sources/create-http-get.js';
import { yahooChartUrl } from '../../src/sources/yahoo/yahoo-chart-source.js';
import { benchSymbol } from './bench-symbols.js';

/**
 * Entry of a child process that sends the same chart requests a fetch run would, through the same transport,
 * and only reads the bodies: no validation, no store. Its rate is the most this machine and the test server
 * allow a client at that concurrency, the ceiling a fetch run is measured against in practice.
 * argv: base URL, concurrency, symbol count, first day asked (EpochDay, the last stored day of an update).
 * Prints one JSON line.
 */
async function main(): Promise<void> {
  const [baseUrl, concurrencyArg, countArg, fromArg] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg);
  const count = Number(countArg);
  const get = createHttpGet({ timeoutMs: 10_000 });
  // The very URL the chart source builds for an update from that day.
  const url = (i: number) => yahooChartUrl(baseUrl, benchSymbol(i), Number(fromArg), undefined, Date.now());
  let next = 0;
  let bytes = 0;
  const run = async (n: number) => {
    const worker = async () => {
      while (next < n) {
        const response = await get(url(next++), {});
        bytes += (await response.text()).length;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(count);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${JSON.stringify({ requests: count, seconds, perSecond: count / seconds, cpuMs: (cpu.user + cpu.system) / 1000, bytes })}\n`,
  );
}

void main().catch((error) => {
  process.stderr.write(`bare HTTP client failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
