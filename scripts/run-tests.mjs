#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's own test runner.
// Node 20's --test does not expand globs, so the files are listed here.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
// Only compiled tests whose source still exists: tsc never deletes the output of a removed test file.
let files = listTests('dist/test').filter((f) => existsSync(f.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts')));
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
// Suites that assert a rate a server saw (requests in any 1 s window) run alone after the rest: a second suite
// loading the same two cores delays the server's reading of arrivals, which bunches them into one second.
const ALONE = ['jobs/queue-workers.test.js'];
const alone = files.filter((f) => ALONE.some((a) => f.replaceAll('\\', '/').endsWith(a)));
const together = files.filter((f) => !alone.includes(f));
let status = 0;
const totals = { pass: 0, fail: 0, skipped: 0 };
for (const [batch, concurrency] of [
  [together, 2],
  [alone, 1],
]) {
  if (batch.length === 0) continue;
  const { code, tail } = await runBatch(batch, concurrency);
  for (const key of Object.keys(totals)) {
    const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tail);
    if (m) totals[key] += Number(m[1]);
  }
  status ||= code;
}
// Both runs' counts in one closing line.
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);

/** Runs node's test runner on the files, its output passed through as it comes; the last lines kept for the counts. */
function runBatch(batch, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...batch], {
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4096);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}
