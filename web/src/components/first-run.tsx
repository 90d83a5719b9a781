import { startUpdate, statusStore } from '../app-state.js';
import { shellWord } from '../state/shell-word.js';
import { useStore } from '../store.js';

/** An empty database: say what to do next instead of drawing empty charts. */
export function FirstRun() {
  const location = useStore(statusStore)?.database?.location;
  // The commands name the database this server reads, so they fill the page the user is looking at.
  const db = location ? ` --db ${shellWord(location)}` : '';
  return (
    <div class="first-run">
      <h2>No market data yet</h2>
      <p>
        This database holds no analysed prices, so there is nothing to chart. Load the bundled sample (about 100 S&amp;P
        500 tickers, offline) or fetch a universe:
      </p>
      <ul>
        <li>
          <code>marketdeck up --no-serve{db}</code> imports the bundled sample, analyses and precomputes it; this page
          shows it at its next refresh (the dashboard is already served here, so <code>--no-serve</code> leaves the port
          to it).
        </li>
        <li>
          <code>marketdeck fetch --universe sp500{db}</code> then <code>marketdeck analyze{db}</code> and{' '}
          <code>marketdeck precompute{db}</code> loads the S&amp;P 500 from Yahoo.
        </li>
        <li>Or fetch now from here, with the run settings of the toolbar:</li>
      </ul>
      <button type="button" class="primary" onClick={() => void startUpdate()}>
        Update data
      </button>
    </div>
  );
}
