import type { ComponentChildren } from 'preact';
import { createStore, useStore } from './store.js';

/** The page's location; pages read it and change it through navigate, never through window.location. */
export const locationStore = createStore({ path: location.pathname, search: location.search });

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, location.origin);
  if (url.pathname + url.search === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  locationStore.set({ path: url.pathname, search: url.search });
  if (!opts.replace) window.scrollTo(0, 0);
}

addEventListener('popstate', () => locationStore.set({ path: location.pathname, search: location.search }));

export function useLocation() {
  return useStore(locationStore);
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
}

/** An anchor that moves inside the app without a reload (a modified click still opens a new tab). */
export function Link({ href, children, class: cls, title }: LinkProps) {
  return (
    <a
      class={cls}
      title={title}
      href={href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
