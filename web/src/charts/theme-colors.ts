/** Colours of the current theme, read from the CSS variables so charts follow dark and light. */
export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    bg: v('--bg-2'),
    fg: v('--fg'),
    dim: v('--fg-dim'),
    grid: v('--grid'),
    border: v('--border'),
    up: v('--up'),
    down: v('--down'),
    accent: v('--accent'),
    warn: v('--warn'),
  };
}

/** Series colours, distinct in both themes. */
export const PALETTE = ['#4c9aff', '#f5a623', '#26a69a', '#ef5350', '#ab47bc', '#8d6e63', '#29b6f6', '#d4e157'];

/** ISO day (YYYY-MM-DD) to Unix seconds at UTC midnight, the time axis of every chart. */
export function dayToSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}
