import type { BarRepo, TickerWrite, TickerWriteResult } from '../store/store.js';

export interface TickerWriteBatcherOptions {
  /** Tickers per transaction at most; a full batch is written as soon as the ready I/O has been handled. */
  maxBatch: number;
  /** How long the first ticker of a batch waits for others before the batch is written anyway, ms. */
  maxDelayMs: number;
}

interface Pending {
  write: TickerWrite;
  resolve: (result: TickerWriteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Write-behind for the fetch engine: the tickers whose answers are ready are gathered and written with
 * `writeTickers`, one transaction for up to `maxBatch` of them, so the commit cost is shared. Each ticker's
 * write still lands whole or not at all, with its fetch state: a batch either commits every ticker in it or
 * none, and a batch that fails is written again one ticker per transaction, so one bad ticker fails alone
 * and the others of its batch are stored. Each caller's promise settles once its own ticker is committed
 * (or has failed), so progress counted after it is true. Memory stays bounded by `maxBatch` answers.
 */
export class TickerWriteBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    private readonly bars: Pick<BarRepo, 'writeTicker' | 'writeTickers'>,
    private readonly options: TickerWriteBatcherOptions,
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new RangeError(`write batch size ${options.maxBatch} is not valid; expected an integer >= 1`);
    }
  }

  /** Resolves with the ticker's write result once the batch holding it is committed. */
  write(write: TickerWrite): Promise<TickerWriteResult> {
    return new Promise<TickerWriteResult>((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (this.pending.length >= this.options.maxBatch) {
        // Written in the check phase: responses that arrived meanwhile are read and the requests of freed
        // slots sent first, so a synchronous SQLite write never holds back the network.
        this.immediate ??= setImmediate(() => this.flush());
      } else {
        this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
      }
    });
  }

  /** Writes what is pending now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.options.maxBatch);
    // Whatever did not fit waits its turn in a batch of its own.
    if (this.pending.length > 0) this.immediate = setImmediate(() => this.flush());
    if (batch.length > 1) {
      let results: TickerWriteResult[] | null = null;
      try {
        results = await this.bars.writeTickers(batch.map((p) => p.write));
      } catch {
        // Nothing of the batch was written (one transaction); each ticker is tried alone below.
      }
      if (results) {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
        return;
      }
    }
    for (const p of batch) {
      try {
        p.resolve(await this.bars.writeTicker(p.write));
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
