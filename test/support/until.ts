/**
 * Resolves with what `condition` gives once it gives something (anything but undefined or false), looking again
 * on each turn of a short timer: a test waits for a state, never for a length of time.
 */
export async function until<T>(condition: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  for (;;) {
    const found = await condition();
    if (found !== undefined && found !== false) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}
