import { statusStore } from '../app-state.js';
import { useStore } from '../store.js';

/** Marks numbers that come from the bundled sample, with its date range, wherever they are shown. */
export function SampleBadge() {
  const status = useStore(statusStore);
  const sample = status?.sampleData;
  if (!sample || sample.tickers === 0) return null;
  // The sample's own dates: other tickers stored beside it never stretch the range it shows.
  const range = sample.from ? `${sample.from} .. ${sample.to}` : '';
  return (
    <span class="badge sample" title={sample.description}>
      {sample.allSample ? 'sample data' : `${sample.tickers} sample tickers`} {range}
    </span>
  );
}
