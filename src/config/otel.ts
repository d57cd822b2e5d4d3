// The `[otel]` table: environment, log_user_prompt, exporter, metrics_exporter and trace_exporter. A bad exporter
// turns only that exporter off (with a warning); it never stops the server.
import { registerSecret } from "../logging/redact.js";
import { isTable, type TomlTable } from "./toml-table.js";
import { DEFAULT_OTEL, type ExporterSpec, type OtelConfig, type TlsFiles } from "./types.js";

export interface OtelIssue {
  path: string[];
  message: string;
}

export interface OtelResolution {
  config: OtelConfig;
  issues: OtelIssue[];
}

class ExporterIssue extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
  }
}

export function resolveOtel(raw: unknown, env: NodeJS.ProcessEnv): OtelResolution {
  const issues: OtelIssue[] = [];
  if (raw === undefined) return { config: DEFAULT_OTEL, issues };
  if (!isTable(raw)) return { config: DEFAULT_OTEL, issues: [{ path: ["otel"], message: "expected a table" }] };

  const config: OtelConfig = { ...DEFAULT_OTEL };
  const field = <T>(key: string, check: (v: unknown) => v is T, what: string): T | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (check(v)) return v;
    issues.push({ path: ["otel", key], message: `expected ${what}` });
    return undefined;
  };
  config.environment = field("environment", isString, "a string") ?? config.environment;
  config.logUserPrompt = field("log_user_prompt", isBoolean, "a boolean") ?? config.logUserPrompt;
  const interval = field("metrics_export_interval_ms", isPositiveInteger, "a positive integer");
  if (interval !== undefined) config.metricsExportIntervalMs = interval;
  const ratio = field("trace_sampling_ratio", isRatio, "a number from 0 to 1");
  if (ratio !== undefined) config.traceSamplingRatio = ratio;

  for (const [key, target] of [
    ["exporter", "exporter"],
    ["metrics_exporter", "metricsExporter"],
    ["trace_exporter", "traceExporter"],
  ] as const) {
    try {
      config[target] = parseExporter(raw[key], ["otel", key], env);
    } catch (e) {
      if (!(e instanceof ExporterIssue)) throw e;
      issues.push({ path: e.path, message: e.message });
    }
  }
  return { config, issues };
}

const VARIANTS = "`none`, `statsig`, `otlp-http`, `otlp-grpc`";

export function parseExporter(value: unknown, path: string[], env: NodeJS.ProcessEnv): ExporterSpec {
  if (value === undefined) return { kind: "none" };
  if (typeof value === "string") {
    // statsig is OpenAI's own analytics sink: accepted, but nothing is sent anywhere.
    if (value === "none" || value === "statsig") return { kind: "none" };
    throw new ExporterIssue(path, `unknown variant \`${value}\`, expected one of ${VARIANTS}`);
  }
  if (!isTable(value)) throw new ExporterIssue(path, "wanted string or table");
  const keys = Object.keys(value);
  const [variant] = keys;
  if (keys.length !== 1 || variant === undefined) {
    throw new ExporterIssue(path, `expected a table with exactly one of ${VARIANTS}`);
  }
  const body = value[variant];
  const at = [...path, variant];
  if (variant === "none" || variant === "statsig") return { kind: "none" };
  if (variant !== "otlp-http" && variant !== "otlp-grpc") {
    throw new ExporterIssue(path, `unknown variant \`${variant}\`, expected one of ${VARIANTS}`);
  }
  if (!isTable(body)) throw new ExporterIssue(at, "expected a table");
  const endpoint = body.endpoint;
  if (typeof endpoint !== "string" || endpoint === "") throw new ExporterIssue([...at, "endpoint"], "missing field `endpoint`");
  try {
    new URL(endpoint);
  } catch {
    throw new ExporterIssue([...at, "endpoint"], `invalid endpoint URL \`${endpoint}\``);
  }
  const headers = parseHeaders(body.headers, [...at, "headers"], env);
  const tls = parseTls(body.tls, [...at, "tls"]);
  if (variant === "otlp-grpc") return { kind: "otlp-grpc", endpoint, headers, ...(tls ? { tls } : {}) };
  const protocol = body.protocol ?? "binary";
  if (protocol !== "binary" && protocol !== "json") {
    throw new ExporterIssue([...at, "protocol"], `unknown variant \`${String(protocol)}\`, expected \`binary\` or \`json\``);
  }
  return { kind: "otlp-http", endpoint, protocol, headers, ...(tls ? { tls } : {}) };
}

function parseHeaders(value: unknown, path: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  if (value === undefined) return {};
  if (!isTable(value)) throw new ExporterIssue(path, "expected a table of strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new ExporterIssue([...path, k], "expected a string");
    out[k] = expandEnv(v, env);
    // An exporter's failure (logged from the worker) can echo its headers: never their values.
    registerSecret(out[k]);
  }
  return out;
}

/** `${VAR}` in a header value is replaced by the variable's value ("" when unset). */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env[name] ?? "");
}

function parseTls(value: unknown, path: string[]): TlsFiles | undefined {
  if (value === undefined) return undefined;
  if (!isTable(value)) throw new ExporterIssue(path, "expected a table");
  const pick = (key: string) => {
    const v = (value as TomlTable)[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new ExporterIssue([...path, key], "expected a path string");
    return v;
  };
  const tls: TlsFiles = {};
  const ca = pick("ca-certificate");
  const cert = pick("client-certificate");
  const key = pick("client-private-key");
  if (ca) tls.caCertificate = ca;
  if (cert) tls.clientCertificate = cert;
  if (key) tls.clientPrivateKey = key;
  if (Boolean(cert) !== Boolean(key)) {
    throw new ExporterIssue(path, "client-certificate and client-private-key must be given together");
  }
  return tls;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isRatio = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 1;
const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
