import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.js';

type Answer = { data: Record<string, { closes: (number | null)[] }> };

/**
 * The last 60 closes of the symbols on screen, from /api/sparklines, asked for once per symbol (a scroll
 * asks only for the rows it reveals, after it settles). `available` turns false on a server without it.
 */
export function useSparklines(symbols: readonly string[]): {
  closes: ReadonlyMap<string, (number | null)[]>;
  available: boolean;
} {
  const cache = useRef(new Map<string, (number | null)[]>());
  const asked = useRef(new Set<string>());
  const [, setVersion] = useState(0);
  const [available, setAvailable] = useState(true);
  const key = symbols.join(',');
  useEffect(() => {
    if (!available) return;
    const missing = symbols.filter((s) => !asked.current.has(s)).slice(0, 500);
    if (missing.length === 0) return;
    const timer = setTimeout(() => {
      for (const s of missing) asked.current.add(s);
      getJson<Answer>(`/api/sparklines?symbols=${encodeURIComponent(missing.join(','))}`).then(
        (answer) => {
          for (const [s, v] of Object.entries(answer.data)) cache.current.set(s, v.closes);
          setVersion((n) => n + 1);
        },
        () => {
          for (const s of missing) asked.current.delete(s);
          setAvailable(false);
        },
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [key, available]);
  return { closes: cache.current, available };
}
