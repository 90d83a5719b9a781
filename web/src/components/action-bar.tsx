import { useState } from 'preact/hooks';
import { jobsStore, runSettingsStore, startFullRefresh, startUpdate } from '../app-state.js';
import { checkRunSettings, UNIVERSES } from '../state/run-settings.js';
import { useStore } from '../store.js';

type Open = null | 'more' | 'settings';

/** Update data, Add more stocks, Full refresh and the run settings the next update uses. */
export function ActionBar() {
  const [open, setOpen] = useState<Open>(null);
  const jobs = useStore(jobsStore);
  const busy = jobs.some((j) => j.finishedAt === null);
  const toggle = (o: Open) => setOpen(open === o ? null : o);
  return (
    <div class="action-bar">
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={() => void startUpdate()}
        data-testid="update-data"
      >
        Update data
      </button>
      <button type="button" disabled={busy} onClick={() => toggle('more')} aria-expanded={open === 'more'}>
        Add more stocks
      </button>
      <button type="button" disabled={busy} onClick={() => void startFullRefresh()}>
        Full refresh
      </button>
      <button
        type="button"
        class="icon"
        title="Run settings"
        onClick={() => toggle('settings')}
        aria-expanded={open === 'settings'}
      >
        ⚙
      </button>
      {open === 'more' ? <AddMoreForm close={() => setOpen(null)} /> : null}
      {open === 'settings' ? <RunSettingsForm close={() => setOpen(null)} /> : null}
    </div>
  );
}

function AddMoreForm({ close }: { close: () => void }) {
  const [universe, setUniverse] = useState('sp500');
  const [count, setCount] = useState('50');
  const check = checkRunSettings({ universe, maxStocks: count, maxConcurrent: '', force: false });
  const error = check.ok ? (count.trim() === '' ? 'say how many stocks to add' : null) : Object.values(check.errors)[0];
  return (
    <form
      class="popover"
      onSubmit={(e) => {
        e.preventDefault();
        if (!check.ok || check.value.maxStocks === null) return;
        void startUpdate({ universe: check.value.universe, expand: true, maxStocks: check.value.maxStocks });
        close();
      }}
    >
      <h3>Add more stocks</h3>
      <p class="hint">Fetches stocks of the universe that are not stored yet; nothing stored is replaced.</p>
      <label>
        Universe
        <select value={universe} onChange={(e) => setUniverse(e.currentTarget.value)}>
          {UNIVERSES.filter((u) => u.name !== 'cached').map((u) => (
            <option value={u.name} key={u.name}>
              {u.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        How many
        <input inputMode="numeric" value={count} onInput={(e) => setCount(e.currentTarget.value)} />
      </label>
      {error ? <p class="field-error">{error}</p> : null}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={error !== null}>
          Add stocks
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RunSettingsForm({ close }: { close: () => void }) {
  const saved = runSettingsStore.get();
  const [universe, setUniverse] = useState(saved.universe);
  const [maxStocks, setMaxStocks] = useState(saved.maxStocks === null ? '' : String(saved.maxStocks));
  const [maxConcurrent, setMaxConcurrent] = useState(saved.maxConcurrent === null ? '' : String(saved.maxConcurrent));
  const [force, setForce] = useState(saved.force);
  const check = checkRunSettings({ universe, maxStocks, maxConcurrent, force });
  const errors = check.ok ? {} : check.errors;
  return (
    <form
      class="popover"
      onSubmit={(e) => {
        e.preventDefault();
        if (!check.ok) return;
        runSettingsStore.set(check.value);
        close();
      }}
    >
      <h3>Run settings</h3>
      <p class="hint">Applied to the next Update data.</p>
      <label>
        Universe
        <input list="md-universes" value={universe} onInput={(e) => setUniverse(e.currentTarget.value)} />
        <datalist id="md-universes">
          {UNIVERSES.map((u) => (
            <option value={u.name} key={u.name}>
              {u.label}
            </option>
          ))}
        </datalist>
      </label>
      {errors.universe ? <p class="field-error">{errors.universe}</p> : null}
      <label>
        Max stocks (empty: all)
        <input inputMode="numeric" value={maxStocks} onInput={(e) => setMaxStocks(e.currentTarget.value)} />
      </label>
      {errors.maxStocks ? <p class="field-error">{errors.maxStocks}</p> : null}
      <label>
        Fetch concurrency (empty: server default)
        <input inputMode="numeric" value={maxConcurrent} onInput={(e) => setMaxConcurrent(e.currentTarget.value)} />
      </label>
      {errors.maxConcurrent ? <p class="field-error">{errors.maxConcurrent}</p> : null}
      <label class="check">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
        Force refresh (refetch fresh tickers too)
      </label>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={!check.ok}>
          Save
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
