/**
 * `($1, $2), ($3, $4), ...`: `rows` rows of `width` parameters each, numbered from `$first`, for a multi-row
 * VALUES list. Rows holding bytea go this way rather than as arrays to unnest: a Buffer parameter is sent as
 * its bytes, where inside an array it is sent as hex text (twice the bytes, encoded here and decoded by the
 * server, which made most of a bulk write's time).
 */
export function valuesRows(rows: number, width: number, first = 1): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(`$${first + r * width + c}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}
