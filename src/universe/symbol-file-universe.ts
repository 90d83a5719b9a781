import { FileReadError } from '../sources/csv/read-line-batches.js';
import { readSymbolTable, SymbolTableError } from '../sources/csv/read-symbol-table.js';
import { type ResolvedUniverse, UniverseError } from './universe-registry.js';

/**
 * A symbol file as a universe, with the sectors, industries and names its columns give; errors name the
 * file and line.
 */
export async function universeFromSymbolFile(
  path: string,
  name: string,
  description: string,
): Promise<ResolvedUniverse> {
  let rows: Awaited<ReturnType<typeof readSymbolTable>>;
  try {
    rows = await readSymbolTable(path);
  } catch (error) {
    if (error instanceof SymbolTableError || error instanceof FileReadError) throw new UniverseError(error.message);
    throw error;
  }
  if (rows.length === 0) {
    throw new UniverseError(
      `${path}: no symbols in the file; expected one symbol a line or a CSV with a Symbol column`,
    );
  }
  const sectors = new Map<string, string>();
  const industries = new Map<string, string>();
  const names = new Map<string, string>();
  for (const r of rows) {
    if (r.sector) sectors.set(r.symbol, r.sector);
    if (r.industry) industries.set(r.symbol, r.industry);
    if (r.name) names.set(r.symbol, r.name);
  }
  return {
    name,
    symbols: rows.map((r) => r.symbol),
    description,
    sectors: sectors.size > 0 ? sectors : undefined,
    industries: industries.size > 0 ? industries : undefined,
    names: names.size > 0 ? names : undefined,
  };
}
