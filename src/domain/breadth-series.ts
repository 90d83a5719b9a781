/**
 * Market breadth per date over one scope (a universe, or a sector of it). Arrays are aligned with `dates`
 * (EpochDay numbers); a value that is undefined for a date (TRIN with no decliners) is NaN.
 */
export interface BreadthSeries {
  /** 'all' or 'sector:<name>'. */
  scope: string;
  dates: Int32Array;
  advancers: Float64Array;
  decliners: Float64Array;
  unchanged: Float64Array;
  adLine: Float64Array;
  adRatio: Float64Array;
  adPercent: Float64Array;
  pctAboveSma20: Float64Array;
  pctAboveSma50: Float64Array;
  pctAboveSma200: Float64Array;
  newHighs: Float64Array;
  newLows: Float64Array;
  netNewHighs: Float64Array;
  highLowIndex: Float64Array;
  mcClellanOscillator: Float64Array;
  mcClellanSummation: Float64Array;
  trin: Float64Array;
  upVolume: Float64Array;
  downVolume: Float64Array;
  pctRsiAbove70: Float64Array;
  pctRsiBelow30: Float64Array;
}

export const BREADTH_FIELDS = [
  'advancers',
  'decliners',
  'unchanged',
  'adLine',
  'adRatio',
  'adPercent',
  'pctAboveSma20',
  'pctAboveSma50',
  'pctAboveSma200',
  'newHighs',
  'newLows',
  'netNewHighs',
  'highLowIndex',
  'mcClellanOscillator',
  'mcClellanSummation',
  'trin',
  'upVolume',
  'downVolume',
  'pctRsiAbove70',
  'pctRsiBelow30',
] as const satisfies readonly (keyof BreadthSeries)[];
