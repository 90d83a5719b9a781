/** S00000, S00001, ...: symbols the market test server has a generated history for. */
export function benchSymbols(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => benchSymbol(i + offset));
}

export function benchSymbol(i: number): string {
  return `S${String(i).padStart(5, '0')}`;
}
