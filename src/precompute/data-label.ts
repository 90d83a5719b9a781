import type { DataSetDescription } from '../universe/describe-data-set.js';

/**
 * What a payload's numbers are: whether they are (or include) the bundled sample, and the dates the stored
 * data spans, so a page never shows 2013-2018 sample prices as if they were today's.
 */
export interface DataLabel {
  /** True when the bundled sample is stored (for one ticker: when it is a sample ticker). */
  sample: boolean;
  dateRange: { from: string | null; to: string | null };
  /** One line to show beside the data, e.g. "sample data (bundled real S&P 500 prices): 101 tickers, ...". */
  dataNotice: string;
}

/** The label of a payload over the whole data set, or of one ticker when `tickerIsSample` is given. */
export function dataLabelOf(dataSet: DataSetDescription, tickerIsSample?: boolean): DataLabel {
  return {
    sample: tickerIsSample ?? dataSet.sample !== null,
    dateRange: { from: dataSet.from, to: dataSet.to },
    dataNotice: dataSet.notice,
  };
}
