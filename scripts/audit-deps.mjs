#!/usr/bin/env node
// The production dependencies must have no high or critical advisory (npm audit --omit=dev). A registry
// that does not serve the audit endpoint (some mirrors answer 405) cannot tell: that is said loudly, not
// taken for a pass or a failure.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`npm audit printed no report (exit ${run.status}): ${run.stderr.trim().split('\n').pop()}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.statusCode
    ? `HTTP ${report.statusCode}`
    : (report.error?.summary ?? report.message ?? 'no counts');
  console.log(`dependency audit NOT RUN: the registry's audit endpoint did not answer (${why})`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `dependency audit (production): ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
    `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`,
);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') console.log(`  ${v.severity}: ${name} ${v.range ?? ''}`);
  }
  process.exit(1);
}
