import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NodeChildRun {
  code: number;
  stdout: string;
  stderr: string;
  /** From spawn to exit, s. */
  wallSeconds: number;
  /** Peak resident set of the child (worker threads included), MB. */
  peakRssMb: number;
  /** CPU (user + system) of the child over its whole life, process start included, ms. */
  cpuMs: number;
}

/** Loaded before the child's entry: reports its peak RSS and CPU on stderr when it exits. */
const REPORT_USAGE =
  "data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nCHILD_USAGE '+u.maxRSS+' '+(u.userCPUTime+u.systemCPUTime)+'\\n')})";

/**
 * Runs a Node entry in a child process, as a user runs a command: its own event loop and start-up, timed from
 * spawn to exit, with its peak RSS and CPU read from the child itself at exit. Asynchronous, so that a test
 * server in this process keeps answering; the child inherits this process's loader flags (tsx from source).
 */
export function runNodeChild(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<NodeChildRun> {
  const started = performance.now();
  const flags = process.execArgv.filter((a) => !a.startsWith('--test'));
  const child = spawn(process.execPath, [...flags, '--import', REPORT_USAGE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise<NodeChildRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => {
      const usage = /CHILD_USAGE (\d+) (\d+)/.exec(stderr);
      resolve({
        code: c ?? -1,
        stdout,
        stderr,
        wallSeconds: (performance.now() - started) / 1000,
        peakRssMb: usage ? Number(usage[1]) / 1024 : Number.NaN,
        cpuMs: usage ? Number(usage[2]) / 1000 : Number.NaN,
      });
    });
  });
}

/** The CLI entry of this checkout: src/cli/run.ts under tsx, dist/src/cli/run.js when built. */
export function cliEntry(): string {
  const here = fileURLToPath(import.meta.url);
  let root = dirname(here);
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  return here.endsWith('.ts') ? join(root, 'src', 'cli', 'run.ts') : join(root, 'dist', 'src', 'cli', 'run.js');
}
