/**
 * Runs async operations one at a time, in call order. The orchestrator puts every state change
 * (ticks, agent reports, operator actions) through one queue, so two of them never interleave
 * between reading a row and writing it back; the repositories' compare-and-set catches the rest.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private count = 0;

  /** How many operations were queued so far: a batch may still join the last one while this has not moved. */
  get queued(): number {
    return this.count;
  }

  run<T>(op: () => Promise<T>): Promise<T> {
    this.count++;
    const result = this.tail.then(op, op);
    // The chain must survive a failed operation; the caller still sees the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
