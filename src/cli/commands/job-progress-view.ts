import type { JobProgress } from '../../domain/job-run.js';
import { ProgressReporter } from '../../fetch/progress-reporter.js';
import { fetchProgressOf } from '../../jobs/handlers/fetch-progress-message.js';

/**
 * A job's progress on stderr while the CLI waits for it. A fetch phase (of a fetch or an update) gets the
 * fetch engine's own bar: done/total, ok/failed/fresh, rate and ETA on a terminal, and a line every few
 * seconds or 10% in a log. Any other stage is one line redrawn in place on a terminal, and silent in a log.
 */
export class JobProgressView {
  private reporter: { stage: string; bar: ProgressReporter } | null = null;
  private drewLine = false;

  constructor(
    private readonly kind: string,
    /** Named after the stage on the bar, e.g. `fetch yahoo`. */
    private readonly source: string | undefined,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: JobProgress): void {
    const fetch = fetchProgressOf(p);
    if (fetch) {
      if (this.reporter?.stage !== p.stage) {
        this.finish();
        const phase = p.stage.split('/').at(-1) ?? p.stage;
        const label = this.source ? `${phase} ${this.source}` : phase;
        this.reporter = { stage: p.stage, bar: new ProgressReporter({ label, stream: this.stream }) };
      }
      this.reporter?.bar.update(fetch);
      return;
    }
    if (this.stream.isTTY !== true) return;
    this.finishBar();
    this.stream.write(`\r\x1b[K${this.kind} ${p.stage}: ${p.message}`);
    this.drewLine = true;
  }

  /** Ends what is drawn, so the command's summary starts on a line of its own. */
  finish(): void {
    this.finishBar();
    if (this.drewLine) this.stream.write('\r\x1b[K');
    this.drewLine = false;
  }

  private finishBar(): void {
    this.reporter?.bar.finish();
    this.reporter = null;
  }
}
