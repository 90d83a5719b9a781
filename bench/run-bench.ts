import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResult } from './bench-section.js';
import { PART_SECTIONS, SECTIONS } from './sections/index.js';

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(3);
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const all = [...SECTIONS, ...PART_SECTIONS];
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench section(s): ${unknown.join(', ')}; expected one of ${all.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = wanted.length > 0 ? wanted.map((w) => all.find((s) => s.name === w)!) : SECTIONS;
  const shared = resolve('..', 'shared', 'data');
  const resultsDir = resolve('bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const section of chosen) {
    const tmpDir = mkdtempSync(join(tmpdir(), `marketdeck-bench-${section.name}-`));
    const startedAt = new Date().toISOString();
    process.stdout.write(`\n== ${section.name}: ${section.description}\n`);
    try {
      const { figures, details } = await section.run({
        tmpDir,
        sharedDataDir: existsSync(shared) ? shared : null,
        log: (m) => process.stderr.write(`  ${m}\n`),
      });
      const result: BenchResult = {
        section: section.name,
        startedAt,
        machine: {
          cpus: cpus().length,
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          platform: process.platform,
        },
        figures,
        details,
      };
      writeFileSync(join(resultsDir, `${section.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
      const rows = figures.map((f) => [
        f.name,
        `${formatValue(f.value)} ${f.unit}`,
        f.target ?? '',
        f.pass === true ? 'ok' : f.pass === false ? 'MISS' : '',
        f.note ?? '',
      ]);
      const headers = ['figure', 'value', 'target', '', 'note'];
      const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd();
      process.stdout.write(
        `${line(headers)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`,
      );
      process.stdout.write(`-> bench/results/${section.name}.json\n`);
    } catch (error) {
      failed++;
      process.stderr.write(`section ${section.name} failed: ${(error as Error).stack ?? error}\n`);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
