/**
 * The first Ctrl-C stops a command's work after what is in hand (what it stored stays stored) and says so;
 * with no listener left, a second Ctrl-C ends the process at once, as Node does by default. Returns the
 * function that stops listening once the work has ended.
 */
export function stopOnInterrupt(message: string, stop: () => void): () => void {
  const onSigint = () => {
    process.off('SIGINT', onSigint);
    process.stderr.write(`\nmarketdeck: ${message}\n`);
    stop();
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
