/** One bad row of a portfolio file: where it is, the value found and what was expected. */
export interface PortfolioRowProblem {
  /** file:line */
  location: string;
  field: string;
  value: string;
  expected: string;
}

/** Formats a problem the way every import message reads: `file:line: field "value": expected ...`. */
function describeProblem(p: PortfolioRowProblem): string {
  return `${p.location}: ${p.field} ${JSON.stringify(p.value)}: expected ${p.expected}`;
}

/** A portfolio file with bad rows: nothing of it is stored, and every bad row is named. */
export class PortfolioImportError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly PortfolioRowProblem[],
  ) {
    const shown = problems.slice(0, 20).map(describeProblem);
    const more = problems.length > shown.length ? `\n... and ${problems.length - shown.length} more` : '';
    // Rows, not problems: one row with a bad date and a bad price is one bad row.
    const rows = new Set(problems.map((p) => p.location)).size;
    super(`${file}: ${rows} bad row(s), nothing imported:\n${shown.join('\n')}${more}`);
    this.name = 'PortfolioImportError';
  }
}
