/**
 * A reader that went away (`marketdeck show AAPL --json | head -1`) wants nothing more: the command ends
 * at once and quietly, with the exit code it had so far, instead of an unhandled EPIPE. Every write of a
 * ticker is its own transaction, so stopping mid-command leaves the store consistent.
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}
