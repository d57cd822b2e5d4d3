// Starts telemetry from `[otel]` without delaying any reply: the SDK chunk is imported in the
// background, and what is emitted meanwhile waits in the hub's buffer. A missing TLS file or an
// SDK failure turns that exporter off with a configWarning; the server runs on.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ExporterSpec, OtelConfig, TlsFiles } from "../config/types.js";
import { logger } from "../logging/logger.js";
import type { ConfigWarningNotification } from "../protocol/config.js";
import { SERVICE_NAME, APP_VERSION } from "../version.js";
import type { ExporterSetup, TlsMaterial } from "./otel-sdk.js";
import { telemetry } from "./telemetry.js";

export const INSTRUMENTATION_SCOPE = "codex_app_server";

type Warn = (warning: ConfigWarningNotification) => void;

export function bootTelemetry(otel: OtelConfig, codexHome: string, warn: Warn): Promise<void> {
  const wantLogs = otel.exporter.kind !== "none";
  const wantMetrics = otel.metricsExporter.kind !== "none";
  telemetry.configure({ logs: wantLogs, metrics: wantMetrics });
  if (!wantLogs && !wantMetrics) return Promise.resolve();
  return start(otel, codexHome, warn).catch((error: unknown) => {
    logger().error({ err: error }, "telemetry failed to start; export is off");
    warn({ summary: "OpenTelemetry could not start; telemetry export is off.", details: String(error) });
    telemetry.disable();
  });
}

async function start(otel: OtelConfig, codexHome: string, warn: Warn): Promise<void> {
  const [logs, metrics] = await Promise.all([
    prepare(otel.exporter, "otel.exporter", codexHome, warn),
    prepare(otel.metricsExporter, "otel.metrics_exporter", codexHome, warn),
  ]);
  telemetry.configure({ logs: Boolean(logs), metrics: Boolean(metrics) });
  if (!logs && !metrics) return;
  const { createOtelBackend } = await import("./otel-sdk.js");
  const backend = await createOtelBackend({
    resource: { "service.name": SERVICE_NAME, "service.version": APP_VERSION, env: otel.environment },
    scope: INSTRUMENTATION_SCOPE,
    version: APP_VERSION,
    ...(logs ? { logs } : {}),
    ...(metrics ? { metrics } : {}),
    metricsExportIntervalMs: otel.metricsExportIntervalMs,
  });
  telemetry.attach(backend);
}

async function prepare(spec: ExporterSpec, key: string, codexHome: string, warn: Warn): Promise<ExporterSetup | undefined> {
  if (spec.kind === "none") return undefined;
  try {
    return { spec, tls: await readTls(spec.tls, codexHome) };
  } catch (error) {
    warn({
      summary: `OpenTelemetry exporter \`${key}\` is off: its TLS files could not be read.`,
      details: (error as Error).message,
    });
    return undefined;
  }
}

async function readTls(tls: TlsFiles | undefined, codexHome: string): Promise<TlsMaterial> {
  if (!tls) return {};
  const load = async (file: string | undefined) => {
    if (!file) return undefined;
    const full = path.resolve(codexHome, file);
    try {
      return await readFile(full);
    } catch (error) {
      throw new Error(`failed to read ${full}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const [ca, cert, key] = await Promise.all([load(tls.caCertificate), load(tls.clientCertificate), load(tls.clientPrivateKey)]);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
