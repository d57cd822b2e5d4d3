// The telemetry worker thread: reads TLS files, loads the OpenTelemetry SDK (from a V8 code cache)
// and exports, on the second core, so neither the SDK's start-up cost nor export work ever runs on
// the thread that answers requests. Messages: worker-protocol.ts.
import { parentPort, workerData } from "node:worker_threads";
import { requireWithCodeCache } from "./code-cache.js";
import type { DiagnosticsLog, ExporterSetup } from "./otel-sdk.js";
import type * as OtelSdk from "./otel-sdk.js";
import type { TelemetryBackend, TelemetryRecord } from "./telemetry.js";
import { readTlsFiles } from "./tls-files.js";
import type { ActiveExporter, ToMain, ToWorker, WorkerOptions } from "./worker-protocol.js";

const port = parentPort!;
const post = (message: ToMain) => port.postMessage(message);

const log: DiagnosticsLog = {
  warn: (first: object | string, msg?: string) => post({ type: "log", level: "warn", text: describe(first, msg) }),
  debug: (first: object | string, msg?: string) => post({ type: "log", level: "debug", text: describe(first, msg) }),
};

function describe(first: object | string, msg?: string): string {
  if (typeof first === "string") return first;
  return msg === undefined ? JSON.stringify(first) : `${msg} ${JSON.stringify(first)}`;
}

let backend: TelemetryBackend | undefined;
let started = false;
let pending: TelemetryRecord[] = [];
let shutdownAsked: number | undefined;
let afterShutdown = () => {};

async function shutdown(timeoutMs: number): Promise<void> {
  await backend?.shutdown(timeoutMs);
  afterShutdown();
  post({ type: "closed" });
}

port.on("message", (message: ToWorker) => {
  if (message.type === "records") {
    if (backend) for (const r of message.records) backend.write(r);
    else pending.push(...message.records);
  } else if (started) {
    void shutdown(message.timeoutMs);
  } else {
    shutdownAsked = message.timeoutMs;
  }
});

async function prepare(spec: ActiveExporter | undefined, key: string, codexHome: string): Promise<ExporterSetup | undefined> {
  if (!spec) return undefined;
  try {
    return { spec, tls: await readTlsFiles(spec.tls, codexHome) };
  } catch (error) {
    post({
      type: "warning",
      summary: `OpenTelemetry exporter \`${key}\` is off: its TLS files could not be read.`,
      details: (error as Error).message,
    });
    return undefined;
  }
}

async function start(options: WorkerOptions): Promise<void> {
  const [logs, metrics] = await Promise.all([
    prepare(options.logs, "otel.exporter", options.codexHome),
    prepare(options.metrics, "otel.metrics_exporter", options.codexHome),
  ]);
  if (logs || metrics) {
    const sdk = requireWithCodeCache<typeof OtelSdk>(new URL("./otel-sdk.cjs", import.meta.url).pathname);
    backend = await sdk.exports.createOtelBackend(
      {
        resource: options.resource,
        scope: options.scope,
        version: options.version,
        ...(logs ? { logs } : {}),
        ...(metrics ? { metrics } : {}),
        metricsExportIntervalMs: options.metricsExportIntervalMs,
      },
      log,
    );
    // Saved after the first export, so the cache holds the export path's compiled code too.
    afterShutdown = () => sdk.saveCache();
  }
  started = true;
  post({ type: "ready" });
  if (backend) for (const r of pending) backend.write(r);
  pending = [];
  if (shutdownAsked !== undefined) await shutdown(shutdownAsked);
}

start(workerData as WorkerOptions).catch((error: unknown) => {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  post({ type: "closed" });
});
