/** Process exit codes every command uses. */
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
/** Some items (files, tickers) failed while the rest succeeded. */
export const EXIT_PARTIAL = 3;

/** A wrong flag value or argument: exits 2 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
