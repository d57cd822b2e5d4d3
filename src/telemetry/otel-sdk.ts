// The only module that touches the OpenTelemetry SDK. It is bundled as dist/otel-sdk.cjs and runs
// inside the telemetry worker thread; each exporter variant is evaluated only when configured.
import { diag, DiagLogLevel, SpanKind, SpanStatusCode, TraceFlags, type Counter, type Histogram, type HrTime } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import type { ExporterSpec } from "../config/types.js";
import type { Logger } from "../logging/logger.js";
import type { SpanData, TelemetryBackend, TelemetryRecord } from "./telemetry.js";
import type { TlsMaterial } from "./tls-files.js";

export interface ExporterSetup {
  spec: Exclude<ExporterSpec, { kind: "none" }>;
  tls: TlsMaterial;
}

export interface OtelBackendOptions {
  resource: Record<string, string>;
  scope: string;
  version: string;
  logs?: ExporterSetup;
  metrics?: ExporterSetup;
  traces?: ExporterSetup;
  metricsExportIntervalMs: number;
}

/** Where the SDK's own diagnostics (export failures) are reported. */
export type DiagnosticsLog = Pick<Logger, "warn" | "debug">;

const EXPORT_TIMEOUT_MS = 2_000;
/** Spans waiting for export; beyond it they are dropped and the SDK logs how many. */
const SPAN_QUEUE_LIMIT = 4_096;

export async function createOtelBackend(options: OtelBackendOptions, log: DiagnosticsLog): Promise<TelemetryBackend> {
  routeDiagnostics(log);
  const resource = resourceFromAttributes(options.resource);
  const [logExporter, metricExporter, spanExporter] = await Promise.all([
    options.logs ? createLogExporter(options.logs) : undefined,
    options.metrics ? createMetricExporter(options.metrics) : undefined,
    options.traces ? createSpanExporter(options.traces) : undefined,
  ]);
  const spanProcessor = spanExporter
    ? new BatchSpanProcessor({
        exporter: spanExporter,
        maxQueueSize: SPAN_QUEUE_LIMIT,
        scheduledDelayMillis: 1_000,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      })
    : undefined;
  const scope = { name: options.scope, version: options.version };

  const loggerProvider = logExporter
    ? new LoggerProvider({
        resource,
        processors: [
          new BatchLogRecordProcessor({
            exporter: logExporter,
            scheduledDelayMillis: 1_000,
            exportTimeoutMillis: EXPORT_TIMEOUT_MS,
          }),
        ],
      })
    : undefined;
  const meterProvider = metricExporter
    ? new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter: metricExporter,
            exportIntervalMillis: options.metricsExportIntervalMs,
            exportTimeoutMillis: Math.min(EXPORT_TIMEOUT_MS, options.metricsExportIntervalMs),
          }),
        ],
      })
    : undefined;
  const otelLogger = loggerProvider?.getLogger(options.scope, options.version);
  const meter = meterProvider?.getMeter(options.scope, options.version);
  const counters = new Map<string, Counter>();
  const histograms = new Map<string, Histogram>();

  return {
    write(record: TelemetryRecord) {
      switch (record.kind) {
        case "log":
          otelLogger?.emit({
            eventName: record.name,
            body: record.name,
            timestamp: record.timeMs,
            attributes: record.attributes,
          });
          return;
        case "counter": {
          if (!meter) return;
          let counter = counters.get(record.name);
          if (!counter) counters.set(record.name, (counter = meter.createCounter(record.name)));
          counter.add(record.value, record.attributes);
          return;
        }
        case "histogram": {
          if (!meter) return;
          let histogram = histograms.get(record.name);
          if (!histogram) {
            histogram = meter.createHistogram(record.name, { unit: record.name.endsWith("_ms") ? "ms" : "1" });
            histograms.set(record.name, histogram);
          }
          histogram.record(record.value, record.attributes);
          return;
        }
        case "span":
          spanProcessor?.onEnd(readableSpan(record.span, resource, scope));
      }
    },
    async shutdown() {
      // shutdown() flushes what is pending; forceFlush first would export metrics twice.
      await Promise.allSettled([loggerProvider?.shutdown(), meterProvider?.shutdown(), spanProcessor?.shutdown()]);
    },
  };
}

const SPAN_KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL } as const;
const STATUS = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR } as const;

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** The main thread's span record in the shape the SDK's processors and exporters read. */
function readableSpan(span: SpanData, resource: ReadableSpan["resource"], scope: ReadableSpan["instrumentationScope"]): ReadableSpan {
  const context = {
    traceId: span.traceId,
    spanId: span.spanId,
    traceFlags: TraceFlags.SAMPLED,
    ...(span.traceState ? { traceState: parseTraceState(span.traceState) } : {}),
  };
  return {
    name: span.name,
    kind: SPAN_KINDS[span.kind],
    spanContext: () => context,
    ...(span.parentSpanId
      ? { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: span.parentRemote ?? false } }
      : {}),
    startTime: hrTime(span.startMs),
    endTime: hrTime(span.endMs),
    duration: hrTime(Math.max(span.endMs - span.startMs, 0)),
    status: { code: STATUS[span.status], ...(span.statusMessage ? { message: span.statusMessage } : {}) },
    attributes: span.attributes,
    links: [],
    events: span.events.map((e) => ({ name: e.name, time: hrTime(e.timeMs), attributes: e.attributes })),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** Enough of api.TraceState for the exporters, which only serialize it. */
function parseTraceState(text: string) {
  const state = {
    set: () => state,
    unset: () => state,
    get: (key: string) => text.split(",").map((kv) => kv.trim().split("=")).find(([k]) => k === key)?.[1],
    serialize: () => text,
  };
  return state;
}

function routeDiagnostics(log: DiagnosticsLog): void {
  diag.setLogger(
    {
      error: (msg, ...args) => log.warn({ args }, msg),
      warn: (msg, ...args) => log.warn({ args }, msg),
      info: (msg, ...args) => log.debug({ args }, msg),
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

// Bundled CommonJS packages arrive as `{ default: exports }` from import(); unbundled (tests) they
// also carry named exports. Either way, the exports object is what we want.
async function loadCjs<T extends object>(loading: Promise<T>): Promise<T> {
  const ns = await loading;
  return (ns as { default?: T }).default ?? ns;
}

function httpAgentOptions(tls: TlsMaterial) {
  return tls.ca || tls.cert ? { httpAgentOptions: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {};
}

async function grpcOptions(spec: ExporterSetup["spec"], tls: TlsMaterial) {
  const grpc = await loadCjs(import("@grpc/grpc-js"));
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(spec.headers)) metadata.set(k, v);
  const secure = tls.ca || tls.cert || spec.endpoint.startsWith("https:");
  const credentials = secure
    ? grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null)
    : grpc.credentials.createInsecure();
  return { url: spec.endpoint, metadata, credentials, timeoutMillis: EXPORT_TIMEOUT_MS };
}

async function createLogExporter({ spec, tls }: ExporterSetup): Promise<LogRecordExporter> {
  if (spec.kind === "otlp-grpc") {
    const { OTLPLogExporter } = await loadCjs(import("@opentelemetry/exporter-logs-otlp-grpc"));
    return new OTLPLogExporter(await grpcOptions(spec, tls));
  }
  const options = { url: spec.endpoint, headers: spec.headers, timeoutMillis: EXPORT_TIMEOUT_MS, ...httpAgentOptions(tls) };
  if (spec.protocol === "json") {
    const { OTLPLogExporter } = await loadCjs(import("@opentelemetry/exporter-logs-otlp-http"));
    return new OTLPLogExporter(options);
  }
  const { OTLPLogExporter } = await loadCjs(import("@opentelemetry/exporter-logs-otlp-proto"));
  return new OTLPLogExporter(options);
}

async function createMetricExporter({ spec, tls }: ExporterSetup): Promise<PushMetricExporter> {
  if (spec.kind === "otlp-grpc") {
    const { OTLPMetricExporter } = await loadCjs(import("@opentelemetry/exporter-metrics-otlp-grpc"));
    return new OTLPMetricExporter(await grpcOptions(spec, tls));
  }
  const options = { url: spec.endpoint, headers: spec.headers, timeoutMillis: EXPORT_TIMEOUT_MS, ...httpAgentOptions(tls) };
  if (spec.protocol === "json") {
    const { OTLPMetricExporter } = await loadCjs(import("@opentelemetry/exporter-metrics-otlp-http"));
    return new OTLPMetricExporter(options);
  }
  const { OTLPMetricExporter } = await loadCjs(import("@opentelemetry/exporter-metrics-otlp-proto"));
  return new OTLPMetricExporter(options);
}

async function createSpanExporter({ spec, tls }: ExporterSetup): Promise<SpanExporter> {
  if (spec.kind === "otlp-grpc") {
    const { OTLPTraceExporter } = await loadCjs(import("@opentelemetry/exporter-trace-otlp-grpc"));
    return new OTLPTraceExporter(await grpcOptions(spec, tls));
  }
  const options = { url: spec.endpoint, headers: spec.headers, timeoutMillis: EXPORT_TIMEOUT_MS, ...httpAgentOptions(tls) };
  if (spec.protocol === "json") {
    const { OTLPTraceExporter } = await loadCjs(import("@opentelemetry/exporter-trace-otlp-http"));
    return new OTLPTraceExporter(options);
  }
  const { OTLPTraceExporter } = await loadCjs(import("@opentelemetry/exporter-trace-otlp-proto"));
  return new OTLPTraceExporter(options);
}
