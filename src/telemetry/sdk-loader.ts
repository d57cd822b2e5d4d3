// Builds the OTEL backend from worker options: reads TLS files, loads dist/otel-sdk.cjs through the
// V8 code cache, creates the exporters. Used by the telemetry worker and, when a short session ends
// before the worker is ready, by the main thread at shutdown.
import { requireWithCodeCache } from "../code-cache/require-with-cache.js";
import type * as OtelSdk from "./otel-sdk.js";
import type { DiagnosticsLog, ExporterSetup } from "./otel-sdk.js";
import type { TelemetryBackend } from "./telemetry.js";
import { readTlsFiles } from "./tls-files.js";
import type { ActiveExporter, WorkerOptions } from "./worker-protocol.js";

export interface LoadedBackend {
  /** Undefined when no exporter survived (TLS files missing). */
  backend: TelemetryBackend | undefined;
  /** Stores the code cache; call after the first export so it covers the export path. */
  saveCache(): void;
}

export type WarnExporterOff = (summary: string, details: string) => void;

export async function loadBackend(
  options: WorkerOptions,
  sdkFile: string,
  log: DiagnosticsLog,
  warn: WarnExporterOff,
): Promise<LoadedBackend> {
  const prepare = async (spec: ActiveExporter | undefined, key: string): Promise<ExporterSetup | undefined> => {
    if (!spec) return undefined;
    try {
      return { spec, tls: await readTlsFiles(spec.tls, options.codexHome) };
    } catch (error) {
      warn(`OpenTelemetry exporter \`${key}\` is off: its TLS files could not be read.`, (error as Error).message);
      return undefined;
    }
  };
  const [logs, metrics, traces] = await Promise.all([
    prepare(options.logs, "otel.exporter"),
    prepare(options.metrics, "otel.metrics_exporter"),
    prepare(options.traces, "otel.trace_exporter"),
  ]);
  if (!logs && !metrics && !traces) return { backend: undefined, saveCache: () => {} };
  const sdk = requireWithCodeCache<typeof OtelSdk>(sdkFile);
  const backend = await sdk.exports.createOtelBackend(
    {
      resource: options.resource,
      scope: options.scope,
      version: options.version,
      ...(logs ? { logs } : {}),
      ...(metrics ? { metrics } : {}),
      ...(traces ? { traces } : {}),
      metricsExportIntervalMs: options.metricsExportIntervalMs,
    },
    log,
  );
  return { backend, saveCache: () => sdk.saveCache() };
}
