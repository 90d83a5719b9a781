/**
 * A request that could not leave by the time its rate-limit slot allowed (its connection opened too late, or it
 * waited past the slot for a free connection or behind this process's other work):
 * nothing was sent, so the source saw nothing, and the caller takes a new slot and asks again. Sending it
 * anyway would put it on the wire together with the requests of later slots, over the limit in that second.
 */
export class LateForSlotError extends Error {
  constructor(
    readonly url: string,
    readonly lateMs: number,
  ) {
    super(`GET ${url} not sent: it would have left ${Math.round(lateMs)} ms after its rate-limit slot allowed`);
    this.name = 'LateForSlotError';
  }
}
