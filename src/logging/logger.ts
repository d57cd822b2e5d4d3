// The logger every module uses. Calls below the configured level cost nothing; the first call at
// or above it loads pino (its own chunk, ~10 ms of start-up saved when nothing is logged) and the
// calls made while it loads are replayed in order.
import type pino from "pino";
import { LEVEL_ENV } from "./redact.js";

type Level = "error" | "warn" | "info" | "debug" | "trace";
type Bindings = Record<string, unknown>;
type LogFn = { (obj: object, msg?: string): void; (msg: string): void };

export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
  child(bindings: Bindings): Logger;
}

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

interface PendingCall {
  level: Level;
  bindings: Bindings | undefined;
  args: [object | string, string?];
}

class LoggerRoot {
  readonly threshold: number;
  private pino: pino.Logger | undefined;
  private loading: Promise<void> | undefined;
  private pending: PendingCall[] = [];

  constructor(readonly level: string) {
    this.threshold = RANK[level] ?? RANK.info!;
  }

  write(call: PendingCall): void {
    if (this.pino) return emit(this.pino, call);
    this.pending.push(call);
    this.loading ??= import("./pino-logger.js").then(
      ({ createPinoLogger }) => {
        this.pino = createPinoLogger(process.env, this.level);
        for (const c of this.pending.splice(0)) emit(this.pino, c);
      },
      (error: unknown) => {
        process.stderr.write(`codex-app-server: logger failed to load: ${String(error)}\n`);
      },
    );
  }

  /** Resolves once everything logged so far is written. */
  flushed(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }
}

function emit(target: pino.Logger, call: PendingCall): void {
  const log = call.bindings ? target.child(call.bindings) : target;
  (log[call.level] as (...a: unknown[]) => void)(...call.args);
}

function makeLogger(root: LoggerRoot, bindings: Bindings | undefined): Logger {
  const at =
    (level: Level): LogFn =>
    (first: object | string, msg?: string) => {
      if (RANK[level]! < root.threshold) return;
      root.write({ level, bindings, args: msg === undefined ? [first] : [first, msg] });
    };
  return {
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
    child: (more) => makeLogger(root, { ...bindings, ...more }),
  };
}

const root = new LoggerRoot(process.env[LEVEL_ENV] ?? "info");
const rootLogger = makeLogger(root, undefined);

export function logger(): Logger {
  return rootLogger;
}

export function logsFlushed(): Promise<void> {
  return root.flushed();
}
