import type { Verdict } from '../domain/analyst-report.js';
import type { Analyst, AnalystOpinion } from './analyst.js';
import type { TickerFacts } from './ticker-facts.js';

/** One rule that fired: its weight on the score and the reason in words. */
interface Finding {
  weight: number;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * The built-in analyst: fixed rules over the facts, each adding to or taking from a score; a score of 2 or
 * more is buy, -2 or less is sell, hold between. The same facts always give the same report.
 */
export class RulesAnalyst implements Analyst {
  readonly name = 'rules';

  async analyze(facts: TickerFacts): Promise<AnalystOpinion> {
    return rulesOpinion(facts);
  }
}

function rulesOpinion(f: TickerFacts): AnalystOpinion {
  const found: Finding[] = [];
  const add = (weight: number, reason: string) => found.push({ weight, reason });
  const { trend, momentum, volatility, valuation, risks, relative } = f;
  if (trend.aboveSma200 !== null) {
    add(
      trend.aboveSma200 ? 1 : -1,
      `close ${f.close} ${trend.aboveSma200 ? 'above' : 'below'} its 200-day average ${trend.sma200?.toFixed(2)}`,
    );
  }
  if (trend.sma50AboveSma200 !== null) {
    add(
      trend.sma50AboveSma200 ? 1 : -1,
      `50-day average ${trend.sma50AboveSma200 ? 'above' : 'below'} the 200-day (${trend.sma50AboveSma200 ? 'uptrend' : 'downtrend'})`,
    );
  }
  if (momentum.return3m !== null) {
    add(
      momentum.return3m > 0 ? 1 : -1,
      `${momentum.return3m > 0 ? 'up' : 'down'} ${pct(Math.abs(momentum.return3m))} over 3 months`,
    );
  }
  if (momentum.macdHist !== null) {
    add(
      momentum.macdHist > 0 ? 0.5 : -0.5,
      `MACD histogram ${momentum.macdHist > 0 ? 'positive' : 'negative'} (${momentum.macdHist.toFixed(3)})`,
    );
  }
  if (momentum.rsi14 !== null && momentum.rsi14 > 70) add(-1, `RSI ${momentum.rsi14.toFixed(1)}: overbought`);
  if (momentum.rsi14 !== null && momentum.rsi14 < 30) add(1, `RSI ${momentum.rsi14.toFixed(1)}: oversold`);
  if (volatility.annualised60d !== null && volatility.annualised60d > 0.6) {
    add(-1, `volatile: ${pct(volatility.annualised60d)} annualised over 60 days`);
  }
  if (valuation.trailingPE !== null && valuation.trailingPE > 40)
    add(-1, `expensive: P/E ${valuation.trailingPE.toFixed(1)}`);
  if (valuation.trailingPE !== null && valuation.trailingPE > 0 && valuation.trailingPE < 15) {
    add(1, `cheap: P/E ${valuation.trailingPE.toFixed(1)}`);
  }
  if (valuation.eps !== null && valuation.eps < 0) add(-1, `loss-making: EPS ${valuation.eps}`);
  if (risks.drawdownFrom52wHigh !== null && risks.drawdownFrom52wHigh >= 0.3) {
    add(-1, `${pct(risks.drawdownFrom52wHigh)} below its 52-week high`);
  }
  if (relative?.excess3m != null && Math.abs(relative.excess3m) > 0.1) {
    add(
      relative.excess3m > 0 ? 1 : -1,
      `${relative.excess3m > 0 ? 'ahead of' : 'behind'} ${relative.benchmark} by ${pct(Math.abs(relative.excess3m))} over 3 months`,
    );
  }
  if (risks.shortHistory) add(0, `only ${f.bars} bars stored: long-term rules partly unavailable`);
  const score = found.reduce((s, x) => s + x.weight, 0);
  const verdict: Verdict = score >= 2 ? 'buy' : score <= -2 ? 'sell' : 'hold';
  // Stable order: strongest first, then in rule order, so equal facts give equal text.
  const reasons = found
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.i - b.i)
    .map((x) => `[${x.weight > 0 ? '+' : x.weight < 0 ? '-' : '='}] ${x.reason}`);
  const summary = [
    `### ${f.symbol}: ${verdict.toUpperCase()} (score ${score >= 0 ? '+' : ''}${score})`,
    '',
    `Close ${f.close} on ${f.asOf} (${f.bars} bars).`,
    '',
    ...reasons.map((r) => `- ${r}`),
  ].join('\n');
  return { verdict, reasons, summary };
}
