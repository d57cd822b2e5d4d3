// Counts requests read from stdin against requests answered, so shutdown on stdin EOF can let the
// last requests (a client may write `initialize` and close stdin at once) be answered first.
export class RequestTracker {
  private seen = 0;
  private done = 0;
  private waiters: (() => void)[] = [];

  received(): void {
    this.seen++;
  }

  answered(): void {
    this.done++;
    if (this.idle) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  get idle(): boolean {
    return this.done >= this.seen;
  }

  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
