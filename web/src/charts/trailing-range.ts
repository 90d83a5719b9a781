/**
 * The x range of a chart that always shows the last `span` seconds up to its newest sample. It is read from
 * the samples, not from uPlot's own range: for a single sample uPlot pads that range with 1,000 days, which
 * pushed the lone sample out of sight.
 */
export function trailingRange(xs: ArrayLike<number>, span: number): [number, number] {
  const newest = xs.length > 0 ? xs[xs.length - 1] : Date.now() / 1000;
  return [newest - span, newest];
}
