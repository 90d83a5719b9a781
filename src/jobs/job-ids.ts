import { randomBytes } from 'node:crypto';

/** A sortable, readable id: kind, UTC start time to the second, and a random suffix. */
export function newJobId(kind: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** JSON round trip with keys sorted, so params equal in meaning compare equal and store as they will read back. */
export function normalizeParams(params: Record<string, unknown>): Record<string, unknown> {
  return sortKeys(JSON.parse(JSON.stringify(params ?? {}))) as Record<string, unknown>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}
