/** Trading days a year, the usual factor that annualises daily volatility and Sharpe ratios. */
export const TRADING_DAYS = 252;

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length > 0 ? s / xs.length : Number.NaN;
}

/** Sample standard deviation (n - 1). */
export function sampleSd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Sample covariance (n - 1) of two equally long series. */
export function sampleCov(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length < 2) return Number.NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - mx) * (ys[i] - my);
  return s / (xs.length - 1);
}

/** Largest fall from a running peak of a growth index, as a positive fraction (0.25 = down 25 %). */
export function maxDrawdown(index: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < index.length; i++) {
    const v = index[i];
    if (!Number.isFinite(v)) continue;
    if (v > peak) peak = v;
    else if (peak > 0) worst = Math.max(worst, 1 - v / peak);
  }
  return worst;
}

/**
 * The money-weighted return: the annual rate r at which the dated flows are worth nothing today,
 * sum(amount_i / (1 + r)^(years_i)) = 0 with years counted as days / 365 from the first flow. Amounts are
 * from the investor's side (a buy is negative, a sale or the final value positive). Bisection over
 * -99.99 % .. +1,000,000 %, which always converges when the flows change sign once; NaN when they never do.
 */
export function irr(flows: readonly { day: number; amount: number }[]): number {
  if (flows.length < 2) return Number.NaN;
  const d0 = flows[0].day;
  const npv = (r: number) => {
    let s = 0;
    for (const f of flows) s += f.amount / (1 + r) ** ((f.day - d0) / 365);
    return s;
  };
  let lo = -0.9999;
  let hi = 10_000;
  let flo = npv(lo);
  const fhi = npv(hi);
  if (!Number.isFinite(flo) || !Number.isFinite(fhi) || Math.sign(flo) === Math.sign(fhi)) return Number.NaN;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    const fm = npv(mid);
    if (Math.sign(fm) === Math.sign(flo)) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}
