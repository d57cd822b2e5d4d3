// In-process OTLP/HTTP and OTLP/gRPC receivers for integration tests: accept protobuf or
// JSON (optionally gzip) logs/metrics/traces exports and normalises both encodings to
// one plain structure so tests never care which exporter the app used.
import {
  Server, ServerCredentials, status,
  type handleUnaryCall, type MethodDefinition,
} from "@grpc/grpc-js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export type AttrValue = string | number | boolean | AttrValue[] | { [k: string]: AttrValue } | null;
export type Attrs = Record<string, AttrValue>;

export interface ReceivedLog {
  resource: Attrs;
  scope: string;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AttrValue;
  attributes: Attrs;
  /** Nanoseconds since the epoch as a decimal string (exceeds 2^53). */
  timeUnixNano?: string;
}

export interface ReceivedMetricPoint {
  resource: Attrs;
  scope: string;
  name: string;
  unit?: string;
  description?: string;
  kind: "sum" | "gauge" | "histogram" | "exponential_histogram";
  /** sum / gauge value */
  value?: number;
  // histogram fields (bucket fields: explicit-bucket histograms only)
  count?: number; sum?: number; min?: number; max?: number;
  bucketCounts?: number[]; explicitBounds?: number[];
  attributes: Attrs;
  timeUnixNano?: string;
}

export interface ReceivedSpan {
  resource: Attrs;
  scope: string;
  /** Lower-case hex, as in a traceparent. */
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attrs;
  events: { name: string; attributes: Attrs }[];
  status: { code: number; message?: string };
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  /** Size on the wire, i.e. before gunzip. */
  bodyBytes: number;
}

export interface OtlpReceiver {
  url: string;
  logsUrl: string;
  metricsUrl: string;
  tracesUrl: string;
  requests: ReceivedRequest[];
  logs: ReceivedLog[];
  metrics: ReceivedMetricPoint[];
  spans: ReceivedSpan[];
  /** Decode failures and rejected requests; tests can assert this is empty. */
  errors: string[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Decoded { logs: ReceivedLog[]; metrics: ReceivedMetricPoint[]; spans: ReceivedSpan[] }

// --- Protobuf wire format ---

const WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_LEN = 2, WIRE_I32 = 5;

/** One field of a message; `int` holds varint/fixed values, `bytes` the raw payload. */
interface Field { no: number; wire: number; int: bigint; bytes: Uint8Array }

function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  const take = (n: number): Uint8Array => {
    if (n < 0 || pos + n > buf.length) throw new Error(`truncated message at byte ${pos}`);
    pos += n;
    return buf.subarray(pos - n, pos);
  };
  // BigInt keeps all 64 bits; JS numbers would drop the low bits of large values.
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = take(1)[0] ?? 0;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
    }
    throw new Error("varint longer than 10 bytes");
  };
  const littleEndian = (bytes: Uint8Array): bigint => bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);

  while (pos < buf.length) {
    const tag = varint();
    const no = Number(tag >> 3n), wire = Number(tag & 7n);
    if (no === 0) throw new Error(`invalid field number 0 at byte ${pos}`);
    if (wire === WIRE_VARINT) yield { no, wire, int: varint(), bytes: new Uint8Array() };
    else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const bytes = take(wire === WIRE_I64 ? 8 : 4);
      yield { no, wire, int: littleEndian(bytes), bytes };
    } else if (wire === WIRE_LEN) {
      const bytes = take(Number(varint()));
      yield { no, wire, int: BigInt(bytes.length), bytes };
    } else throw new Error(`unsupported wire type ${wire} for field ${no}`); // groups: unused by OTLP
  }
}

// Accessors check the wire type so that decoding a message as the wrong type
// fails loudly; that is what makes signal detection by trial decoding work.
function expectWire(f: Field, wire: number): Field {
  if (f.wire !== wire) throw new Error(`field ${f.no}: wire type ${f.wire}, expected ${wire}`);
  return f;
}
const msg = (f: Field): Uint8Array => expectWire(f, WIRE_LEN).bytes;
const utf8 = new TextDecoder();
const str = (f: Field): string => utf8.decode(msg(f));
const uint = (f: Field): number => Number(expectWire(f, WIRE_VARINT).int);
const int64 = (f: Field): number => Number(BigInt.asIntN(64, expectWire(f, WIRE_VARINT).int));
const fixed64 = (f: Field): bigint => expectWire(f, WIRE_I64).int;
const sfixed64 = (f: Field): number => Number(BigInt.asIntN(64, fixed64(f)));
const float64At = (bytes: Uint8Array, offset: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getFloat64(0, true);
const double = (f: Field): number => float64At(expectWire(f, WIRE_I64).bytes, 0);

/** Repeated 8-byte scalars: packed (one LEN field) or, legally, one field per value. */
function repeated8(f: Field, read: (bytes: Uint8Array, offset: number) => number): number[] {
  if (f.wire === WIRE_I64) return [read(f.bytes, 0)];
  const bytes = msg(f);
  if (bytes.length % 8 !== 0) throw new Error(`field ${f.no}: packed length ${bytes.length} not a multiple of 8`);
  return Array.from({ length: bytes.length / 8 }, (_, i) => read(bytes, i * 8));
}
const u64At = (bytes: Uint8Array, offset: number): number =>
  Number(new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true));

// --- Protobuf OTLP messages (field numbers from opentelemetry-proto) ---

const all = (buf: Uint8Array, no: number): Field[] => [...fields(buf)].filter((f) => f.no === no);
const first = (buf: Uint8Array | undefined, no: number): Field | undefined => buf && all(buf, no)[0];

function pbAnyValue(buf: Uint8Array): AttrValue {
  let value: AttrValue = null;
  for (const f of fields(buf)) {
    if (f.no === 1) value = str(f);
    else if (f.no === 2) value = uint(f) !== 0;
    else if (f.no === 3) value = int64(f);
    else if (f.no === 4) value = double(f);
    else if (f.no === 5) value = all(msg(f), 1).map((v) => pbAnyValue(msg(v)));
    else if (f.no === 6) value = pbKeyValues(all(msg(f), 1));
    else if (f.no === 7) value = Buffer.from(msg(f)).toString("base64"); // as in OTLP/JSON
  }
  return value;
}

/** Folds repeated KeyValue{key=1, value=2} fields into a record. */
function pbKeyValues(kvs: Field[]): Attrs {
  const out: Attrs = {};
  for (const kv of kvs) {
    const key = first(msg(kv), 1), value = first(msg(kv), 2);
    out[key ? str(key) : ""] = value ? pbAnyValue(msg(value)) : null;
  }
  return out;
}

const pbAttrs = (buf: Uint8Array, fieldNo: number): Attrs => pbKeyValues(all(buf, fieldNo));

/** Shared shape: Request{1: ResourceX{1: Resource, 2: ScopeX{1: Scope, 2: item}}}. */
function pbWalk<T>(buf: Uint8Array, decodeItem: (item: Uint8Array, resource: Attrs, scope: string) => T[]): T[] {
  return all(buf, 1).flatMap((rx) => {
    const resourceField = first(msg(rx), 1);
    const resource = resourceField ? pbAttrs(msg(resourceField), 1) : {};
    return all(msg(rx), 2).flatMap((sx) => {
      const scopeField = first(msg(sx), 1);
      const nameField = first(scopeField && msg(scopeField), 1);
      const scope = nameField ? str(nameField) : "";
      return all(msg(sx), 2).flatMap((item) => decodeItem(msg(item), resource, scope));
    });
  });
}

function pbLogRecord(buf: Uint8Array, resource: Attrs, scope: string): ReceivedLog[] {
  const log: ReceivedLog = { resource, scope, attributes: pbAttrs(buf, 6) };
  for (const f of fields(buf)) {
    if (f.no === 1) log.timeUnixNano = fixed64(f).toString();
    else if (f.no === 2) log.severityNumber = uint(f);
    else if (f.no === 3) log.severityText = str(f);
    else if (f.no === 5) log.body = pbAnyValue(msg(f));
    else if (f.no === 12) log.eventName = str(f);
  }
  return [log];
}

type PointBase = Pick<ReceivedMetricPoint, "resource" | "scope" | "name" | "unit" | "description">;
type Kind = ReceivedMetricPoint["kind"];

/** NumberDataPoint (gauge/sum) and both histogram point types, keyed by their differing numbers. */
function pbPoint(buf: Uint8Array, base: PointBase, kind: Kind): ReceivedMetricPoint {
  const isNumber = kind === "sum" || kind === "gauge", isExp = kind === "exponential_histogram";
  const attrNo = isNumber ? 7 : isExp ? 1 : 9;
  const [minNo, maxNo] = isExp ? [12, 13] : [11, 12];
  const p: ReceivedMetricPoint = { ...base, kind, attributes: pbAttrs(buf, attrNo) };
  for (const f of fields(buf)) {
    if (f.no === 3) p.timeUnixNano = fixed64(f).toString();
    else if (isNumber && f.no === 4) p.value = double(f);
    else if (isNumber && f.no === 6) p.value = sfixed64(f);
    else if (!isNumber && f.no === 4) p.count = Number(fixed64(f));
    else if (!isNumber && f.no === 5) p.sum = double(f);
    else if (!isNumber && f.no === minNo) p.min = double(f);
    else if (!isNumber && f.no === maxNo) p.max = double(f);
    else if (kind === "histogram" && f.no === 6) (p.bucketCounts ??= []).push(...repeated8(f, u64At));
    else if (kind === "histogram" && f.no === 7) (p.explicitBounds ??= []).push(...repeated8(f, float64At));
  }
  return p;
}

const PB_METRIC_KINDS: Record<number, Kind> = { 5: "gauge", 7: "sum", 9: "histogram", 10: "exponential_histogram" };

function pbMetric(buf: Uint8Array, resource: Attrs, scope: string): ReceivedMetricPoint[] {
  const text = (no: number): string | undefined => {
    const f = first(buf, no);
    return (f && str(f)) || undefined;
  };
  const base: PointBase = { resource, scope, name: text(1) ?? "", unit: text(3), description: text(2) };
  return [...fields(buf)].flatMap((f) => {
    const kind = PB_METRIC_KINDS[f.no];
    return kind ? all(msg(f), 1).map((dp) => pbPoint(msg(dp), base, kind)) : [];
  });
}

const hex = (f: Field): string => Buffer.from(msg(f)).toString("hex");

function pbSpan(buf: Uint8Array, resource: Attrs, scope: string): ReceivedSpan[] {
  const span: ReceivedSpan = {
    resource, scope, traceId: "", spanId: "", name: "", kind: 0, startTimeUnixNano: "0", endTimeUnixNano: "0",
    attributes: pbAttrs(buf, 9), events: [], status: { code: 0 },
  };
  for (const f of fields(buf)) {
    if (f.no === 1) span.traceId = hex(f);
    else if (f.no === 2) span.spanId = hex(f);
    else if (f.no === 3) span.traceState = str(f) || undefined;
    else if (f.no === 4) span.parentSpanId = hex(f) || undefined;
    else if (f.no === 5) span.name = str(f);
    else if (f.no === 6) span.kind = uint(f);
    else if (f.no === 7) span.startTimeUnixNano = fixed64(f).toString();
    else if (f.no === 8) span.endTimeUnixNano = fixed64(f).toString();
    else if (f.no === 11) {
      const name = first(msg(f), 2);
      span.events.push({ name: name ? str(name) : "", attributes: pbAttrs(msg(f), 3) });
    } else if (f.no === 15) {
      const message = first(msg(f), 2), code = first(msg(f), 3);
      span.status = { code: code ? uint(code) : 0, ...(message ? { message: str(message) } : {}) };
    }
  }
  return [span];
}

/** By path; for other paths try logs then metrics (strict wire checks reject the wrong one). */
function decodeProtobuf(buf: Uint8Array, path: string): Decoded {
  const asLogs = (): Decoded => ({ logs: pbWalk(buf, pbLogRecord), metrics: [], spans: [] });
  const asMetrics = (): Decoded => ({ logs: [], metrics: pbWalk(buf, pbMetric), spans: [] });
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed.endsWith("traces")) return { logs: [], metrics: [], spans: pbWalk(buf, pbSpan) };
  if (trimmed.endsWith("logs")) return asLogs();
  if (trimmed.endsWith("metrics")) return asMetrics();
  try {
    return asLogs();
  } catch {
    return asMetrics();
  }
}

// --- OTLP/JSON (lowerCamelCase; int64 may arrive as strings) ---

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const jsonNum = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined;
const jsonStr = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function jsonAnyValue(v: unknown): AttrValue {
  const o = obj(v);
  if ("stringValue" in o) return String(o.stringValue);
  if ("boolValue" in o) return o.boolValue === true;
  if ("intValue" in o) return jsonNum(o.intValue) ?? null;
  if ("doubleValue" in o) return jsonNum(o.doubleValue) ?? null;
  if ("arrayValue" in o) return arr(obj(o.arrayValue).values).map(jsonAnyValue);
  if ("kvlistValue" in o) return jsonAttrs(obj(o.kvlistValue).values);
  if ("bytesValue" in o) return String(o.bytesValue);
  return null;
}

function jsonAttrs(list: unknown): Attrs {
  const out: Attrs = {};
  for (const kv of arr(list).map(obj)) out[String(kv.key ?? "")] = jsonAnyValue(kv.value);
  return out;
}

/** Same nesting as pbWalk, by key names, e.g. resourceLogs > scopeLogs > logRecords. */
type JsonItemDecoder<T> = (item: Json, resource: Attrs, scope: string) => T[];
function jsonWalk<T>(body: Json, keys: [string, string, string], decodeItem: JsonItemDecoder<T>): T[] {
  const [resourceKey, scopeKey, itemKey] = keys;
  return arr(body[resourceKey]).map(obj).flatMap((rx) => {
    const resource = jsonAttrs(obj(rx.resource).attributes);
    return arr(rx[scopeKey]).map(obj).flatMap((sx) => {
      const scope = String(obj(sx.scope).name ?? "");
      return arr(sx[itemKey]).map(obj).flatMap((item) => decodeItem(item, resource, scope));
    });
  });
}

function jsonLogRecord(r: Json, resource: Attrs, scope: string): ReceivedLog[] {
  const log: ReceivedLog = { resource, scope, attributes: jsonAttrs(r.attributes) };
  if (jsonStr(r.eventName)) log.eventName = jsonStr(r.eventName);
  if (jsonNum(r.severityNumber) !== undefined) log.severityNumber = jsonNum(r.severityNumber);
  if (jsonStr(r.severityText)) log.severityText = jsonStr(r.severityText);
  if ("body" in r) log.body = jsonAnyValue(r.body);
  if (r.timeUnixNano !== undefined) log.timeUnixNano = String(r.timeUnixNano);
  return [log];
}

const JSON_METRIC_KINDS = ["gauge", "sum", "histogram", "exponentialHistogram"] as const;

function jsonMetric(m: Json, resource: Attrs, scope: string): ReceivedMetricPoint[] {
  const [name, unit, description] = [String(m.name ?? ""), jsonStr(m.unit), jsonStr(m.description)];
  const base: PointBase = { resource, scope, name, unit, description };
  return JSON_METRIC_KINDS.filter((k) => k in m).flatMap((k) =>
    arr(obj(m[k]).dataPoints).map(obj).map((dp): ReceivedMetricPoint => {
      const kind = k === "exponentialHistogram" ? "exponential_histogram" : k;
      const p: ReceivedMetricPoint = { ...base, kind, attributes: jsonAttrs(dp.attributes) };
      if (dp.timeUnixNano !== undefined) p.timeUnixNano = String(dp.timeUnixNano);
      if (kind === "sum" || kind === "gauge") p.value = jsonNum(dp.asInt ?? dp.asDouble);
      else {
        p.count = jsonNum(dp.count);
        for (const key of ["sum", "min", "max"] as const) if (dp[key] !== undefined) p[key] = jsonNum(dp[key]);
        if (kind === "histogram") {
          p.bucketCounts = arr(dp.bucketCounts).map((c) => jsonNum(c) ?? NaN);
          p.explicitBounds = arr(dp.explicitBounds).map((b) => jsonNum(b) ?? NaN);
        }
      }
      return p;
    }),
  );
}

/** OTLP/JSON ids are hex strings. */
function jsonSpan(r: Json, resource: Attrs, scope: string): ReceivedSpan[] {
  const status = obj(r.status);
  return [{
    resource, scope,
    traceId: String(r.traceId ?? ""), spanId: String(r.spanId ?? ""),
    ...(jsonStr(r.parentSpanId) ? { parentSpanId: jsonStr(r.parentSpanId) } : {}),
    ...(jsonStr(r.traceState) ? { traceState: jsonStr(r.traceState) } : {}),
    name: String(r.name ?? ""), kind: jsonNum(r.kind) ?? 0,
    startTimeUnixNano: String(r.startTimeUnixNano ?? "0"), endTimeUnixNano: String(r.endTimeUnixNano ?? "0"),
    attributes: jsonAttrs(r.attributes),
    events: arr(r.events).map(obj).map((e) => ({ name: String(e.name ?? ""), attributes: jsonAttrs(e.attributes) })),
    status: { code: jsonNum(status.code) ?? 0, ...(jsonStr(status.message) ? { message: jsonStr(status.message) } : {}) },
  }];
}

/** JSON names its signal (resourceLogs / resourceMetrics / resourceSpans), so the path is irrelevant. */
function decodeJson(buf: Uint8Array): Decoded {
  const body = obj(JSON.parse(utf8.decode(buf)));
  return {
    logs: jsonWalk(body, ["resourceLogs", "scopeLogs", "logRecords"], jsonLogRecord),
    metrics: jsonWalk(body, ["resourceMetrics", "scopeMetrics", "metrics"], jsonMetric),
    spans: jsonWalk(body, ["resourceSpans", "scopeSpans", "spans"], jsonSpan),
  };
}

// --- Shared bookkeeping for both transports ---

interface Store {
  requests: ReceivedRequest[]; logs: ReceivedLog[]; metrics: ReceivedMetricPoint[]; spans: ReceivedSpan[]; errors: string[];
}

const newStore = (): Store => ({ requests: [], logs: [], metrics: [], spans: [], errors: [] });

function receiver(store: Store, urls: Pick<OtlpReceiver, "url" | "logsUrl" | "metricsUrl" | "tracesUrl">, close: () => Promise<void>): OtlpReceiver {
  const { requests, logs, metrics, spans, errors } = store;
  const summary = (): string =>
    `requests=${requests.length} [${requests.map((r) => `${r.path} ${r.contentType}`).join(", ")}]; ` +
    `logs=[${logs.map((l) => l.eventName ?? JSON.stringify(l.body)).join(", ")}]; ` +
    `metrics=[${metrics.map((m) => `${m.name}:${m.kind}`).join(", ")}]; spans=[${spans.map((s) => s.name).join(", ")}]; ` +
    `errors=${JSON.stringify(errors)}`;
  return {
    ...urls, requests, logs, metrics, spans, errors,
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met within ${timeoutMs}ms; ${summary()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close,
  };
}

// --- HTTP server ---

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const store = newStore();
  const { requests, logs, metrics, spans, errors } = store;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    requests.push({ path, contentType, headers: { ...req.headers }, bodyBytes: raw.length });
    const reject = (status: number, message: string): void => {
      errors.push(`${req.method} ${path} (${contentType || "no content-type"}): ${message}`);
      res.writeHead(status, { "content-type": "text/plain" }).end(message);
    };
    if (req.method !== "POST") return reject(405, "only POST is supported");
    const json = contentType === "application/json";
    if (!json && contentType !== "application/x-protobuf") return reject(415, "unsupported content-type");
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "gzip" && encoding !== "identity") return reject(415, `unsupported content-encoding ${encoding}`);
    let decoded: Decoded;
    try {
      const body = encoding === "gzip" ? gunzipSync(raw) : raw;
      decoded = json ? decodeJson(body) : decodeProtobuf(body, path);
    } catch (err) {
      // 400 is what the OTLP spec prescribes for undecodable payloads; exporters do not retry it.
      return reject(400, `decode failed: ${(err as Error).message}`);
    }
    logs.push(...decoded.logs);
    metrics.push(...decoded.metrics);
    spans.push(...decoded.spans);
    // An empty protobuf body is a valid empty Export*ServiceResponse.
    res.writeHead(200, { "content-type": contentType }).end(json ? "{}" : undefined);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      errors.push(`handler crashed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return receiver(store, { url, logsUrl: `${url}/v1/logs`, metricsUrl: `${url}/v1/metrics`, tracesUrl: `${url}/v1/traces` }, () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // Exporters keep sockets alive; without this close() would wait for them to time out.
      server.closeAllConnections();
    }),
  );
}

// --- OTLP/gRPC server ---

const GRPC_PATHS = {
  logs: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
  metrics: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
  traces: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
} as const;

/** Unary Export that hands over the raw request bytes, so the protobuf decoder above does the work. */
function grpcMethod(path: string): MethodDefinition<Buffer, Buffer> {
  const identity = (b: Buffer): Buffer => b;
  return {
    path, requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity,
    // An empty message is a valid Export*ServiceResponse (no partial_success).
    responseSerialize: () => Buffer.alloc(0), responseDeserialize: identity,
  };
}

/** Records and decodes one Export call; the signal name picks the message type. */
function grpcExport(store: Store, signal: string, path: string): handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const headers: ReceivedRequest["headers"] = {};
    for (const [k, v] of Object.entries(call.metadata.getMap())) headers[k] = v.toString();
    // bodyBytes is after grpc-js undid any grpc-encoding; the exporters send uncompressed by default.
    store.requests.push({ path, contentType: "application/grpc", headers, bodyBytes: call.request.length });
    try {
      const decoded = decodeProtobuf(call.request, signal);
      store.logs.push(...decoded.logs);
      store.metrics.push(...decoded.metrics);
      store.spans.push(...decoded.spans);
      callback(null, Buffer.alloc(0));
    } catch (err) {
      const message = `decode failed: ${(err as Error).message}`;
      store.errors.push(`${path} (application/grpc): ${message}`);
      // Like HTTP 400: OTLP exporters do not retry INVALID_ARGUMENT.
      callback({ code: status.INVALID_ARGUMENT, details: message });
    }
  };
}

export async function startOtlpGrpcReceiver(): Promise<OtlpReceiver> {
  const store = newStore();
  const signals = Object.entries(GRPC_PATHS);
  const server = new Server();
  server.addService(
    Object.fromEntries(signals.map(([signal, path]) => [signal, grpcMethod(path)])),
    Object.fromEntries(signals.map(([signal, path]) => [signal, grpcExport(store, signal, path)])),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const url = `http://127.0.0.1:${port}`;
  // forceShutdown: exporters keep HTTP/2 sessions open, which tryShutdown would wait out.
  return receiver(store, { url, logsUrl: url, metricsUrl: url, tracesUrl: url }, async () => server.forceShutdown());
}
