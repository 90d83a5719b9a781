/**
 * The API paths each page reads, in one place: the page asks for them, and the router asks for them early
 * (while the page's code is still loading), so the answers and the code arrive together.
 */
export const OVERVIEW_PATHS = ['/api/overview', '/api/breadth/cached/all', '/api/heatmap'] as const;
export const SCREENER_PATH = '/api/screener?limit=10000';
export const HEATMAP_PATH = '/api/heatmap';
export const BREADTH_INDEX_PATH = '/api/breadth';

const TICKER_INDICATORS = 'ema20,sma50,sma200,bbUpper,bbMiddle,bbLower,rsi14,macd,macdSignal,macdHist';

export function tickerPaths(symbol: string): { summary: string; bars: string; signals: string } {
  const s = encodeURIComponent(symbol.toUpperCase());
  return {
    summary: `/api/ticker/${s}`,
    bars: `/api/ticker/${s}/bars?indicators=${TICKER_INDICATORS}`,
    // Every signal of the history, for the chart's markers (the summary holds only the latest few).
    signals: `/api/ticker/${s}/signals`,
  };
}

/**
 * Whether a path answers 200 on an empty database: the cached payloads do (empty), while one breadth series
 * or one ticker is a 404 there, and a 404 would be a console error on the first-run view.
 */
export function answersWhenEmpty(path: string): boolean {
  return !/^\/api\/(breadth|ticker)\/./.test(path);
}
