// The telemetry hub every module emits through. The OpenTelemetry SDK loads asynchronously after
// start-up; until it is attached, records wait in a bounded buffer (nothing emitted early is lost).
// When no exporter is configured the hub is switched off and emitting costs next to nothing.
// The originator is read at emit time, so records made before `initialize` keep codex_cli_rs and
// later ones carry the client's name.
import { originator } from "../originator.js";
import { APP_VERSION } from "../version.js";

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue | undefined>;

export type TelemetryRecord =
  | { kind: "log"; name: string; timeMs: number; attributes: Record<string, AttributeValue> }
  | { kind: "counter" | "histogram"; name: string; value: number; attributes: Record<string, AttributeValue> }
  | { kind: "span"; span: SpanData };

/** A finished, sampled span as plain data: it crosses to the telemetry worker by structured clone. */
export interface SpanData {
  name: string;
  kind: "server" | "client" | "internal";
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The parent came from the client's traceparent. */
  parentRemote?: boolean;
  traceState?: string;
  /** Milliseconds since the epoch, with fractions. */
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue | string[]>;
  events: { name: string; timeMs: number; attributes: Record<string, AttributeValue> }[];
  status: "unset" | "ok" | "error";
  statusMessage?: string;
}

/** Where records go once the SDK is up. */
export interface TelemetryBackend {
  write(record: TelemetryRecord): void;
  /** Flush and stop, within the deadline. */
  shutdown(timeoutMs: number): Promise<void>;
}

const MAX_BUFFERED = 10_000;

export class Telemetry {
  private state: "pending" | "active" | "off" = "pending";
  private buffer: TelemetryRecord[] = [];
  private dropped = 0;
  private backend: TelemetryBackend | undefined;
  private logsEnabled = true;
  private metricsEnabled = true;
  private tracesEnabled = true;

  /** Log events or metrics are exported: callers skip building them otherwise. */
  get enabled(): boolean {
    return this.state !== "off" && (this.logsEnabled || this.metricsEnabled);
  }

  get tracing(): boolean {
    return this.state !== "off" && this.tracesEnabled;
  }

  /** Log event `name` with the attributes every event carries. */
  event(name: string, attributes: Attributes): void {
    if (this.state === "off" || !this.logsEnabled) return;
    const timeMs = Date.now();
    this.push({
      kind: "log",
      name,
      timeMs,
      attributes: clean({
        "event.name": name,
        "event.timestamp": new Date(timeMs).toISOString(),
        "app.version": APP_VERSION,
        originator: originator(),
        ...attributes,
      }),
    });
  }

  count(name: string, attributes: Attributes, value = 1): void {
    if (this.state === "off" || !this.metricsEnabled) return;
    this.push({ kind: "counter", name, value, attributes: this.metricAttributes(attributes) });
  }

  histogram(name: string, value: number, attributes: Attributes): void {
    if (this.state === "off" || !this.metricsEnabled) return;
    this.push({ kind: "histogram", name, value, attributes: this.metricAttributes(attributes) });
  }

  /** A finished span (only sampled ones are handed in). */
  span(span: SpanData): void {
    if (this.state === "off" || !this.tracesEnabled) return;
    this.push({ kind: "span", span });
  }

  /** Which signals have an exporter; records of the other kinds are not even buffered. */
  configure(signals: { logs: boolean; metrics: boolean; traces?: boolean }): void {
    this.logsEnabled = signals.logs;
    this.metricsEnabled = signals.metrics;
    this.tracesEnabled = signals.traces ?? false;
    if (!signals.logs && !signals.metrics && !this.tracesEnabled) this.disable();
  }

  attach(backend: TelemetryBackend): void {
    if (this.state === "off") {
      void backend.shutdown(0);
      return;
    }
    this.backend = backend;
    this.state = "active";
    const pending = this.buffer;
    this.buffer = [];
    for (const record of pending) backend.write(record);
  }

  disable(): void {
    this.state = "off";
    this.buffer = [];
  }

  get droppedRecords(): number {
    return this.dropped;
  }

  async shutdown(timeoutMs: number): Promise<void> {
    const backend = this.backend;
    this.disable();
    if (backend) await withDeadline(backend.shutdown(timeoutMs), timeoutMs);
  }

  private metricAttributes(attributes: Attributes): Record<string, AttributeValue> {
    return clean({ "app.version": APP_VERSION, originator: originator(), ...attributes });
  }

  private push(record: TelemetryRecord): void {
    if (this.state === "active") {
      this.backend!.write(record);
      return;
    }
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(record);
  }
}

function clean(attributes: Attributes): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** The process-wide hub. */
export const telemetry = new Telemetry();
