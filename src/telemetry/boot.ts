// Starts telemetry from `[otel]` without delaying any reply: a worker thread reads the TLS files,
// loads the SDK and exports; what is emitted meanwhile is queued for it, not lost. A missing TLS
// file or an SDK failure turns export off with a configWarning; the server runs on.
import type { OtelConfig } from "../config/types.js";
import { logger } from "../logging/logger.js";
import type { ConfigWarningNotification } from "../protocol/config.js";
import { APP_VERSION, SERVICE_NAME } from "../version.js";
import { telemetry } from "./telemetry.js";
import { tracing } from "./tracing.js";
import type { ActiveExporter } from "./worker-protocol.js";

export const INSTRUMENTATION_SCOPE = "codex_app_server";

type Warn = (warning: ConfigWarningNotification) => void;

export function bootTelemetry(otel: OtelConfig, codexHome: string, warn: Warn): void {
  const logs = otel.exporter.kind !== "none" ? otel.exporter : undefined;
  const metrics = otel.metricsExporter.kind !== "none" ? otel.metricsExporter : undefined;
  const traces = otel.traceExporter.kind !== "none" ? otel.traceExporter : undefined;
  telemetry.configure({ logs: Boolean(logs), metrics: Boolean(metrics), traces: Boolean(traces) });
  tracing.configure(otel.traceSamplingRatio);
  if (!logs && !metrics && !traces) return;
  void startWorker(otel, codexHome, warn, { logs, metrics, traces });
}

// Loaded only when an exporter is configured: worker_threads and the loader cost start-up time.
async function startWorker(
  otel: OtelConfig,
  codexHome: string,
  warn: Warn,
  { logs, metrics, traces }: Record<"logs" | "metrics" | "traces", ActiveExporter | undefined>,
): Promise<void> {
  try {
    const { startWorkerBackend } = await import("./worker-backend.js");
    const backend = startWorkerBackend(
      {
        resource: { "service.name": SERVICE_NAME, "service.version": APP_VERSION, env: otel.environment },
        scope: INSTRUMENTATION_SCOPE,
        version: APP_VERSION,
        codexHome,
        ...(logs ? { logs } : {}),
        ...(metrics ? { metrics } : {}),
        ...(traces ? { traces } : {}),
        metricsExportIntervalMs: otel.metricsExportIntervalMs,
      },
      logger(),
      {
        onFailed: (message) => {
          warn({ summary: "OpenTelemetry could not start; telemetry export is off.", details: message });
          telemetry.disable();
        },
        onWarning: (summary, details) => warn({ summary, details }),
      },
    );
    telemetry.attach(backend);
  } catch (error) {
    logger().error({ err: error }, "telemetry failed to start; export is off");
    warn({ summary: "OpenTelemetry could not start; telemetry export is off.", details: String(error) });
    telemetry.disable();
  }
}
