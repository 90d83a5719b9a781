import type { Store } from '../../store/store.js';
import { listUniverses } from '../../universe/universe-registry.js';

/**
 * The universes that have breadth stored, among the named ones (`cached`, `sp500` ...) and those kept in the
 * store (`synthetic`, imported lists): what `breadth --universe X` can be pointed at instead when X has none.
 * A universe taking a value (`file:PATH`) is named by its value, so it is not probed.
 */
export async function universesWithBreadth(store: Store): Promise<string[]> {
  const names = new Set<string>(listUniverses().flatMap((u) => (u.takesArgument ? [] : [u.name])));
  for (const u of await store.universes.list()) names.add(u.name);
  const out: string[] = [];
  for (const name of names) if ((await store.analysis.breadthScopes(name)).length > 0) out.push(name);
  return out;
}
