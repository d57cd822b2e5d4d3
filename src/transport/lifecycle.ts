// One idempotent shutdown for stdin EOF, SIGTERM/SIGINT/SIGHUP and a broken stdout: the hooks run
// in order (stop taking requests, flush stdout, flush telemetry) within an overall deadline, then
// the process exits 0, or non-zero when a crash asked for the shutdown. A second signal exits at
// once; a first signal during a shutdown that EOF started only joins it (IDEs close stdin, then
// send SIGTERM).

export type ShutdownHook = (remainingMs: number) => Promise<void> | void;

export interface LifecycleOptions {
  deadlineMs?: number;
  exit?: (code: number) => void;
  onHookError?: (name: string, error: unknown) => void;
}

export class Lifecycle {
  private readonly hooks: { name: string; run: ShutdownHook }[] = [];
  private stopping: Promise<void> | undefined;
  private signalled = false;
  private exitCode = 0;
  private readonly deadlineMs: number;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: LifecycleOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 2_500;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  onShutdown(name: string, run: ShutdownHook): void {
    this.hooks.push({ name, run });
  }

  /** A non-zero `exitCode` wins over a zero one, even when the shutdown has already begun. */
  shutdown(_reason: string, exitCode = 0): Promise<void> {
    this.exitCode ||= exitCode;
    this.stopping ??= this.run();
    return this.stopping;
  }

  installSignalHandlers(): void {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, (s) => this.onSignal(s));
  }

  onSignal(signal: NodeJS.Signals): void {
    if (this.signalled) {
      this.exit(signal === "SIGINT" ? 130 : 143);
      return;
    }
    this.signalled = true;
    void this.shutdown(signal);
  }

  private async run(): Promise<void> {
    // A hook may call shutdown() again (a crash, stdout closing): `stopping` must be set by then.
    await Promise.resolve();
    const end = Date.now() + this.deadlineMs;
    // Whatever a hook does, the process is gone by the deadline.
    const force = setTimeout(() => this.exit(this.exitCode), this.deadlineMs + 200);
    for (const hook of this.hooks) {
      const remaining = end - Date.now();
      if (remaining <= 0) break;
      try {
        await Promise.race([hook.run(remaining), sleep(remaining)]);
      } catch (error) {
        this.options.onHookError?.(hook.name, error);
      }
    }
    clearTimeout(force);
    this.exit(this.exitCode);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
