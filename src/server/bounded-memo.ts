/**
 * Answers held by key up to a total size: past it the one held longest goes first. For answers that are
 * cheap to check and dear to build (a ten-year chart with its indicators is a 600 KB JSON text).
 */
export class BoundedMemo<V extends { size: number }> {
  private readonly held = new Map<string, V>();
  private total = 0;

  constructor(private readonly maxTotal: number) {}

  get(key: string): V | undefined {
    return this.held.get(key);
  }

  set(key: string, value: V): void {
    this.delete(key);
    if (value.size > this.maxTotal) return;
    while (this.total + value.size > this.maxTotal) this.delete(this.held.keys().next().value as string);
    this.held.set(key, value);
    this.total += value.size;
  }

  delete(key: string): void {
    const old = this.held.get(key);
    if (old === undefined) return;
    this.held.delete(key);
    this.total -= old.size;
  }

  clear(): void {
    this.held.clear();
    this.total = 0;
  }
}
