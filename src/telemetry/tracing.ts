// Spans on the main thread are plain records: a handle collects attributes and events, and at
// `end()` a sampled span goes to the telemetry hub, which posts it to the worker that exports it.
// With no trace exporter `tracing.enabled` is false and callers build nothing at all.
// A request that names a thread is registered under it while it is handled, so the turn it starts
// (on a later tick) finds its parent. (An AsyncLocalStorage would do it too, but its promise hooks
// cost a streaming turn ~30%.)
import { telemetry, type AttributeValue, type SpanData } from "./telemetry.js";
import { newSpanId, newTraceId, type TraceContext } from "./trace-context.js";

type SpanAttributes = Record<string, AttributeValue | string[] | undefined>;

// The global performance: importing node:perf_hooks would load its ~10 modules at start-up.
const now = (): number => performance.timeOrigin + performance.now();

export class SpanHandle {
  readonly context: TraceContext;
  private readonly data: SpanData;
  private ended = false;

  constructor(name: string, kind: SpanData["kind"], context: TraceContext, parent: TraceContext | undefined, attributes: SpanAttributes, startMs = now()) {
    this.context = context;
    this.data = {
      name,
      kind,
      traceId: context.traceId,
      spanId: context.spanId,
      ...(parent ? { parentSpanId: parent.spanId, ...(parent.remote ? { parentRemote: true } : {}) } : {}),
      ...(context.traceState ? { traceState: context.traceState } : {}),
      startMs,
      endMs: startMs,
      attributes: {},
      events: [],
      status: "unset",
    };
    this.set(attributes);
  }

  set(attributes: SpanAttributes): this {
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined) this.data.attributes[k] = v;
    return this;
  }

  event(name: string, attributes: SpanAttributes = {}): void {
    if (this.ended) return;
    const clean: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(attributes)) if (v !== undefined && !Array.isArray(v)) clean[k] = v;
    this.data.events.push({ name, timeMs: now(), attributes: clean });
  }

  end(status?: { error?: string; ok?: boolean }, endMs = now()): void {
    if (this.ended) return;
    this.ended = true;
    if (status?.error !== undefined) {
      this.data.status = "error";
      this.data.statusMessage = status.error;
    } else if (status?.ok) this.data.status = "ok";
    this.data.endMs = endMs;
    if (this.context.sampled) telemetry.span(this.data);
  }
}

export class Tracing {
  private samplingRatio = 1;
  private readonly requestsByThread = new Map<string, SpanHandle>();

  /** A trace exporter is configured and running. */
  get enabled(): boolean {
    return telemetry.tracing;
  }

  configure(samplingRatio: number): void {
    this.samplingRatio = samplingRatio;
  }

  /** A span under `parent` (same trace, same sampling), or the root of a new trace. */
  start(name: string, kind: SpanData["kind"], parent: TraceContext | undefined, attributes: SpanAttributes = {}, startMs?: number): SpanHandle {
    const context: TraceContext = parent
      ? { traceId: parent.traceId, spanId: newSpanId(), sampled: parent.sampled, ...(parent.traceState ? { traceState: parent.traceState } : {}) }
      : this.root();
    return new SpanHandle(name, kind, context, parent, attributes, startMs);
  }

  /** While a request about `threadId` is handled, what it starts there is traced under it. */
  handling(threadId: string, span: SpanHandle): () => void {
    this.requestsByThread.set(threadId, span);
    return () => {
      if (this.requestsByThread.get(threadId) === span) this.requestsByThread.delete(threadId);
    };
  }

  /** The span of the request being handled for `threadId`, if any. */
  requestFor(threadId: string): SpanHandle | undefined {
    return this.requestsByThread.get(threadId);
  }

  private root(): TraceContext {
    const traceId = newTraceId();
    // Decided on the trace id, as the SDK's ratio sampler does: every process agrees on a trace.
    const sampled = this.samplingRatio >= 1 || parseInt(traceId.slice(0, 8), 16) / 0x1_0000_0000 < this.samplingRatio;
    return { traceId, spanId: newSpanId(), sampled };
  }
}

/** The process-wide tracer. */
export const tracing = new Tracing();
