// Proves the receiver's decoders against the real OTLP/HTTP exporters (protobuf
// and JSON), so integration tests can trust what it reports.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { ValueType } from "@opentelemetry/api";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";

type LogExporterOptions = NonNullable<ConstructorParameters<typeof ProtoLogExporter>[0]>;
// The enum lives in an undeclared transitive package; the exporter accepts the plain string.
const GZIP = "gzip" as LogExporterOptions["compression"];

const resource = resourceFromAttributes({ "service.name": "svc", env: "test" });

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

type Body = Uint8Array | string;
function post(url: string, contentType: string, body: Body, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": contentType, ...headers }, body });
}

async function emitLog(exporter: LogRecordExporter): Promise<void> {
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  provider.getLogger("codex-test-scope").emit({
    eventName: "codex.test",
    body: "codex.test",
    attributes: { "event.name": "codex.test", n: 3, ok: true, s: "str", d: 1.5 },
  });
  await provider.shutdown();
}

async function recordMetrics(exporter: PushMetricExporter): Promise<void> {
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = meterProvider.getMeter("codex-test-meter");
  meter.createCounter("c.count").add(2, { method: "m" });
  meter.createHistogram("h.duration_ms", { unit: "ms" }).record(42);
  await meterProvider.shutdown();
}

function expectCodexLog(r: OtlpReceiver, contentType: string): void {
  expect(r.errors).toEqual([]);
  expect(r.logs).toHaveLength(1);
  const log = r.logs[0]!;
  expect(log.resource["service.name"]).toBe("svc");
  expect(log.resource.env).toBe("test");
  expect(log.scope).toBe("codex-test-scope");
  expect(log.eventName).toBe("codex.test");
  expect(log.body).toBe("codex.test");
  expect(log.attributes).toEqual({ "event.name": "codex.test", n: 3, ok: true, s: "str", d: 1.5 });
  // A wall-clock timestamp in ns: 19 digits, i.e. beyond 2^53, hence a string.
  expect(log.timeUnixNano).toMatch(/^\d{19}$/);
  const req = r.requests[0]!;
  expect(req.path).toBe("/v1/logs");
  expect(req.contentType).toBe(contentType);
  expect(req.headers["x-test"]).toBe("yes");
}

function expectCodexMetrics(r: OtlpReceiver, contentType: string, path = "/v1/metrics"): void {
  expect(r.errors).toEqual([]);
  const sum = r.metrics.find((m) => m.name === "c.count");
  expect(sum).toMatchObject({ kind: "sum", value: 2, attributes: { method: "m" }, scope: "codex-test-meter" });
  expect(sum?.resource["service.name"]).toBe("svc");
  const hist = r.metrics.find((m) => m.name === "h.duration_ms");
  expect(hist).toMatchObject({ kind: "histogram", count: 1, sum: 42, min: 42, max: 42, unit: "ms", attributes: {} });
  // Default buckets: one more count than bounds, and the single value lands in exactly one.
  expect(hist?.bucketCounts).toHaveLength((hist?.explicitBounds?.length ?? -1) + 1);
  expect(hist?.bucketCounts?.reduce((a, b) => a + b, 0)).toBe(1);
  expect(r.requests.every((q) => q.path === path && q.contentType === contentType)).toBe(true);
}

describe("OTLP receiver: logs", () => {
  it("decodes protobuf from exporter-logs-otlp-proto", async () => {
    await emitLog(new ProtoLogExporter({ url: receiver.logsUrl, headers: { "x-test": "yes" } }));
    await receiver.waitFor(() => receiver.logs.length > 0);
    expectCodexLog(receiver, "application/x-protobuf");
  });

  it("decodes JSON from exporter-logs-otlp-http", async () => {
    await emitLog(new JsonLogExporter({ url: receiver.logsUrl, headers: { "x-test": "yes" } }));
    await receiver.waitFor(() => receiver.logs.length > 0);
    expectCodexLog(receiver, "application/json");
  });

  it("decodes gzip-compressed protobuf and JSON", async () => {
    await emitLog(new ProtoLogExporter({ url: receiver.logsUrl, headers: { "x-test": "yes" }, compression: GZIP }));
    await emitLog(new JsonLogExporter({ url: receiver.logsUrl, headers: { "x-test": "yes" }, compression: GZIP }));
    await receiver.waitFor(() => receiver.logs.length >= 2);
    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.map((r) => r.headers["content-encoding"])).toEqual(["gzip", "gzip"]);
    expect(receiver.logs.map((l) => l.attributes.n)).toEqual([3, 3]);
  });

  it.each([
    ["protobuf", () => new ProtoLogExporter({ url: receiver.logsUrl })],
    ["JSON", () => new JsonLogExporter({ url: receiver.logsUrl })],
  ])("decodes nested and negative values identically from %s", async (_name, makeExporter) => {
    const processor = new SimpleLogRecordProcessor({ exporter: makeExporter() });
    const provider = new LoggerProvider({ resource, processors: [processor] });
    provider.getLogger("nested").emit({
      severityNumber: 9,
      severityText: "INFO",
      body: { msg: "hi", list: [1, "two", false], inner: { neg: -5, big: 2 ** 40 } },
      attributes: { arr: ["a", "b"], neg: -7, negd: -0.25 },
    });
    await provider.shutdown();
    await receiver.waitFor(() => receiver.logs.length > 0);
    expect(receiver.errors).toEqual([]);
    expect(receiver.logs[0]).toMatchObject({
      severityNumber: 9,
      severityText: "INFO",
      body: { msg: "hi", list: [1, "two", false], inner: { neg: -5, big: 2 ** 40 } },
      attributes: { arr: ["a", "b"], neg: -7, negd: -0.25 },
    });
  });
});

describe("OTLP receiver: metrics", () => {
  it("decodes protobuf from exporter-metrics-otlp-proto", async () => {
    await recordMetrics(new ProtoMetricExporter({ url: receiver.metricsUrl }));
    await receiver.waitFor(() => receiver.metrics.length >= 2);
    expectCodexMetrics(receiver, "application/x-protobuf");
  });

  it("decodes JSON from exporter-metrics-otlp-http", async () => {
    await recordMetrics(new JsonMetricExporter({ url: receiver.metricsUrl }));
    await receiver.waitFor(() => receiver.metrics.length >= 2);
    expectCodexMetrics(receiver, "application/json");
  });

  it("detects metrics in protobuf posted to a path that names no signal", async () => {
    await recordMetrics(new ProtoMetricExporter({ url: `${receiver.url}/ingest` }));
    await receiver.waitFor(() => receiver.metrics.length >= 2);
    expectCodexMetrics(receiver, "application/x-protobuf", "/ingest");
    expect(receiver.logs).toEqual([]);
  });

  it("decodes a negative double gauge and a negative INT sum (as_int, sfixed64)", async () => {
    const exporter = new ProtoMetricExporter({ url: receiver.metricsUrl });
    const meterProvider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    const meter = meterProvider.getMeter("g");
    meter.createGauge("g.double").record(-2.5, { k: "v" });
    // Instruments default to DOUBLE (as_double); ValueType.INT makes the exporter use as_int.
    meter.createUpDownCounter("u.int", { valueType: ValueType.INT }).add(-3);
    await meterProvider.shutdown();
    await receiver.waitFor(() => receiver.metrics.length >= 2);
    expect(receiver.errors).toEqual([]);
    const gauge = receiver.metrics.find((m) => m.name === "g.double");
    expect(gauge).toMatchObject({ kind: "gauge", value: -2.5, attributes: { k: "v" } });
    expect(receiver.metrics.find((m) => m.name === "u.int")).toMatchObject({ kind: "sum", value: -3 });
  });
});

describe("OTLP receiver: HTTP behaviour", () => {
  it("answers 200 with an empty body of the request's content type", async () => {
    const pb = await post(receiver.logsUrl, "application/x-protobuf", new Uint8Array());
    expect(pb.status).toBe(200);
    expect(pb.headers.get("content-type")).toBe("application/x-protobuf");
    expect((await pb.arrayBuffer()).byteLength).toBe(0);
    const json = await post(receiver.metricsUrl, "application/json", "{}");
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    expect(receiver.requests.map((r) => r.path)).toEqual(["/v1/logs", "/v1/metrics"]);
    expect(receiver.errors).toEqual([]);
  });

  it("accepts hand-written gzip JSON with int64 as strings", async () => {
    const point = { asInt: "9007199254740993", attributes: [{ key: "i", value: { intValue: "-12" } }] };
    const body = {
      resourceMetrics: [{
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeMetrics: [{ scope: { name: "s" }, metrics: [{ name: "x", sum: { dataPoints: [point] } }] }],
      }],
    };
    const res = await post(receiver.metricsUrl, "application/json; charset=utf-8", gzipSync(JSON.stringify(body)), {
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(200);
    expect(receiver.errors).toEqual([]);
    // 2^53 + 1 is not a double; Number() rounds it, which is the documented trade-off.
    expect(receiver.metrics).toEqual([
      {
        resource: { "service.name": "svc" },
        scope: "s",
        name: "x",
        unit: undefined,
        description: undefined,
        kind: "sum",
        value: 9007199254740992,
        attributes: { i: -12 },
      },
    ]);
  });

  it("records undecodable bodies as errors and answers 400", async () => {
    // Field 1, length 5, but only one byte follows.
    const res = await post(receiver.logsUrl, "application/x-protobuf", new Uint8Array([0x0a, 0x05, 0x01]));
    expect(res.status).toBe(400);
    expect(receiver.errors).toHaveLength(1);
    expect(receiver.errors[0]).toMatch(/truncated/);
    expect(receiver.requests).toHaveLength(1);
  });

  it("waitFor rejects with a summary of what arrived", async () => {
    await expect(receiver.waitFor(() => false, 50)).rejects.toThrow(/condition not met within 50ms; requests=0/);
  });
});
