import { startUpdate } from '../app-state.js';

/** An empty database: say what to do next instead of drawing empty charts. */
export function FirstRun() {
  return (
    <div class="first-run">
      <h2>No market data yet</h2>
      <p>
        This database holds no analysed prices, so there is nothing to chart. Load the bundled sample (about 100 S&amp;P
        500 tickers, offline) or fetch a universe:
      </p>
      <ul>
        <li>
          <code>marketdeck up</code> imports the bundled sample, analyses and precomputes it.
        </li>
        <li>
          <code>marketdeck fetch --universe sp500</code> then <code>marketdeck analyze</code> and{' '}
          <code>marketdeck precompute</code> loads the S&amp;P 500 from Yahoo.
        </li>
        <li>Or fetch now from here, with the run settings of the toolbar:</li>
      </ul>
      <button type="button" class="primary" onClick={() => void startUpdate()}>
        Update data
      </button>
    </div>
  );
}
