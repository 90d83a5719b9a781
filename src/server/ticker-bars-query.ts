import { INDICATOR_NAMES } from '../analysis/indicator-arrays.js';
import { dayFromIso } from '../domain/epoch-day.js';
import type { TickerBarsQuery } from '../precompute/build-ticker-bars.js';
import { badParam } from './bad-param.js';

const INDICATORS: ReadonlySet<string> = new Set(INDICATOR_NAMES);

/** `from=YYYY-MM-DD&to=YYYY-MM-DD&indicators=sma50,rsi14|all`; every parameter checked, an unknown one too. */
export function parseTickerBarsQuery(params: URLSearchParams): TickerBarsQuery {
  const q: { from?: number; to?: number; indicators?: string[] } = {};
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) throw badParam(name, value, 'the parameter once');
    seen.add(name);
    if (name === 'from' || name === 'to') {
      let day: number;
      try {
        day = dayFromIso(value);
      } catch {
        throw badParam(name, value, 'a date YYYY-MM-DD');
      }
      q[name] = day;
    } else if (name === 'indicators') {
      const list = value.split(',').map((s) => s.trim());
      for (const n of list) {
        if (n !== 'all' && !INDICATORS.has(n))
          throw badParam(name, value, `"all" or names from ${INDICATOR_NAMES.join(', ')}`);
      }
      q.indicators = list;
    } else {
      throw badParam(name, value, 'only from, to and indicators');
    }
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    throw badParam('from', params.get('from') ?? '', `a date no later than to=${params.get('to')}`);
  }
  return q;
}
