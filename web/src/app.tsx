import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { prefetchJson } from './api.js';
import {
  answersWhenEmpty,
  BREADTH_INDEX_PATH,
  HEATMAP_PATH,
  OVERVIEW_PATHS,
  SCREENER_PATH,
  tickerPaths,
} from './api-paths.js';
import { firstStatus, statusStore, themeStore } from './app-state.js';
import { ActionBar } from './components/action-bar.js';
import { SampleBadge } from './components/badges.js';
import { CacheIndicator } from './components/cache-indicator.js';
import { FirstRun } from './components/first-run.js';
import { JobProgressBar } from './components/job-progress-bar.js';
import { Link, useLocation } from './router.js';
import { useStore } from './store.js';

type PageModule = { default: ComponentType<{ params: string[] }> };

interface Route {
  label: string | null;
  href: string;
  pattern: RegExp;
  load: () => Promise<PageModule>;
  /** A page of market data: an empty database shows the first-run view there instead of empty charts. */
  market?: boolean;
  /** The API paths the page reads first, asked for while its code loads. */
  data?: (params: string[]) => readonly string[];
}

/** Each page is its own chunk, so a chart library loads with the page that draws it and no other. */
const ROUTES: Route[] = [
  {
    label: 'Overview',
    market: true,
    href: '/',
    pattern: /^\/$/,
    load: () => import('./pages/overview-page.js'),
    data: () => OVERVIEW_PATHS,
  },
  {
    label: 'Breadth',
    market: true,
    href: '/breadth',
    pattern: /^\/breadth$/,
    load: () => import('./pages/breadth-page.js'),
    data: () => [BREADTH_INDEX_PATH],
  },
  {
    label: 'Heatmap',
    market: true,
    href: '/heatmap',
    pattern: /^\/heatmap$/,
    load: () => import('./pages/heatmap-page.js'),
    data: () => [HEATMAP_PATH],
  },
  {
    label: 'Screener',
    market: true,
    href: '/screener',
    pattern: /^\/screener$/,
    load: () => import('./pages/screener-page.js'),
    data: () => [SCREENER_PATH],
  },
  {
    label: null,
    market: true,
    href: '/ticker',
    pattern: /^\/ticker\/([^/]+)$/,
    load: () => import('./pages/ticker-page.js'),
    data: ([symbol]) => Object.values(tickerPaths(symbol)),
  },
  { label: 'Portfolio', href: '/portfolio', pattern: /^\/portfolio$/, load: () => import('./pages/portfolio-page.js') },
  { label: 'Pipeline', href: '/pipeline', pattern: /^\/pipeline$/, load: () => import('./pages/pipeline-page.js') },
  { label: 'Coverage', href: '/coverage', pattern: /^\/coverage$/, load: () => import('./pages/coverage-page.js') },
];

export function App() {
  const { path } = useLocation();
  const theme = useStore(themeStore);
  const status = useStore(statusStore);
  const route = ROUTES.find((r) => r.pattern.test(path));
  const params = route ? (route.pattern.exec(path)?.slice(1) ?? []).map(decodeURIComponent) : [];
  // Asked for while rendering, not in an effect (effects run after the first paint), so the page's data is on
  // its way while its code still loads; a series or a ticker only once the status says the database has data.
  useMemo(() => {
    const paths = route?.data?.(params) ?? [];
    for (const p of paths.filter(answersWhenEmpty)) prefetchJson(p);
    void firstStatus.then(() => {
      if (statusStore.get()?.tickers === 0) return;
      for (const p of paths.filter((x) => !answersWhenEmpty(x))) prefetchJson(p);
    });
  }, [path]);
  return (
    <div class="app">
      <header class="topbar">
        <Link href="/" class="brand">
          marketdeck
        </Link>
        <nav class="nav">
          {ROUTES.filter((r) => r.label).map((r) => (
            <Link
              key={r.href}
              href={r.href}
              class={route === r || (r.href === '/screener' && path.startsWith('/ticker/')) ? 'active' : ''}
            >
              {r.label}
            </Link>
          ))}
        </nav>
        <div class="topbar-status">
          <SampleBadge />
          <CacheIndicator />
        </div>
        <div class="topbar-actions">
          <ActionBar />
          <button
            type="button"
            class="icon theme-toggle"
            title={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}
            onClick={() => themeStore.set(theme === 'dark' ? 'light' : 'dark')}
            data-testid="theme-toggle"
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      <JobProgressBar />
      <main class="page">
        {!route ? (
          <NotFound path={path} />
        ) : route.market && status?.tickers === 0 ? (
          <FirstRun />
        ) : (
          <LazyPage route={route} params={params} />
        )}
      </main>
    </div>
  );
}

function LazyPage({ route, params }: { route: Route; params: string[] }) {
  const [loaded, setLoaded] = useState<{ route: Route; Page: PageModule['default'] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    route.load().then(
      (m) => live && setLoaded({ route, Page: m.default }),
      (e) => live && setError(String(e)),
    );
    return () => {
      live = false;
    };
  }, [route]);
  if (error) return <div class="error-note">This page could not be loaded: {error}. Reload to try again.</div>;
  if (!loaded || loaded.route !== route) return <div class="skeleton page-skeleton" aria-busy="true" />;
  return <loaded.Page params={params} />;
}

function NotFound({ path }: { path: string }) {
  return (
    <div class="error-note">
      No page at {path}. <Link href="/">Go to the overview</Link>.
    </div>
  );
}
