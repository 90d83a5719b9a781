import { SeededRandom } from './seeded-random.js';

/**
 * Daily log returns every synthetic ticker shares: one market factor and one per sector, driven by a
 * two-state volatility regime (calm / stressed) so that the whole market has quiet stretches, sell-offs
 * and rare crash days, and breadth indicators swing the way they do on real data.
 */
export interface MarketFactors {
  market: Float64Array;
  sectors: Float64Array[];
  /** 1 on stressed days; tickers raise their own volatility with it. */
  stressed: Uint8Array;
}

const CALM_TO_STRESSED = 0.012;
const STRESSED_TO_CALM = 0.045;

export function generateMarketFactors(seed: number, days: number, sectorCount: number): MarketFactors {
  const rng = new SeededRandom(seed);
  const market = new Float64Array(days);
  const stressed = new Uint8Array(days);
  let stress = false;
  for (let t = 0; t < days; t++) {
    stress = stress ? rng.next() >= STRESSED_TO_CALM : rng.next() < CALM_TO_STRESSED;
    stressed[t] = stress ? 1 : 0;
    const drift = stress ? -0.0008 : 0.0005;
    const vol = stress ? 0.019 : 0.0075;
    let r = drift + vol * rng.normal();
    // About one crash day every four years, more likely in stressed spells.
    if (rng.next() < (stress ? 0.004 : 0.0005)) r -= rng.uniform(0.04, 0.1);
    market[t] = r;
  }
  const sectors: Float64Array[] = [];
  for (let k = 0; k < sectorCount; k++) {
    const s = new Float64Array(days);
    for (let t = 0; t < days; t++) s[t] = (stressed[t] ? 0.01 : 0.005) * rng.normal();
    sectors.push(s);
  }
  return { market, sectors, stressed };
}
