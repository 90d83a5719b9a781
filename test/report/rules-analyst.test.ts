import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { RulesAnalyst } from '../../src/analyst/rules-analyst.js';
import { computeTickerFacts } from '../../src/analyst/ticker-facts.js';
import { runReport } from '../../src/report/run-report.js';
import { openReportKit, type ReportKit, reportSymbols, storePrefetch } from './report-test-kit.js';

describe('rules analyst', () => {
  let kit: ReportKit;
  afterEach(async () => {
    await kit.close();
  });

  it('gives the same report for the same data', async () => {
    kit = await openReportKit(reportSymbols(5));
    const runs = [];
    for (const runId of ['a', 'b']) {
      runs.push(
        await runReport({
          store: kit.store,
          config: kit.config,
          runId,
          request: { tickers: reportSymbols(5), analyst: 'rules' },
          signal: new AbortController().signal,
          progress: () => {},
          log: () => {},
          prefetch: storePrefetch(),
        }),
      );
    }
    assert.deepEqual(runs[0].report.tickers, runs[1].report.tickers);
    const first = await kit.store.reports.forSymbol('T00');
    assert.equal(first.length, 2);
    assert.deepEqual([first[0].summary, first[0].facts], [first[1].summary, first[1].facts]);
    // The five zig-zag trends differ in slope: falling ones and rising ones get different verdicts.
    assert.ok(new Set(runs[0].report.tickers.map((t) => t.verdict)).size > 1, JSON.stringify(runs[0].report.tickers));
  });

  it('names the reasons behind its verdict', async () => {
    kit = await openReportKit(['UP']);
    const bars = (await kit.store.bars.read('UP'))!;
    const facts = computeTickerFacts(bars, null);
    const opinion = await new RulesAnalyst().analyze(facts);
    assert.ok(opinion.reasons.length >= 3);
    assert.ok(opinion.summary.startsWith('### UP: '));
    for (const r of opinion.reasons) assert.match(r, /^\[[+\-=]\] /);
  });
});
