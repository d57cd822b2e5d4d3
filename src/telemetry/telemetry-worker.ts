// The telemetry worker thread: loads the OpenTelemetry SDK and exports on the second core, so
// neither the SDK's load nor export work runs on the thread that answers requests.
// Messages: worker-protocol.ts.
import { parentPort, workerData } from "node:worker_threads";
import type { DiagnosticsLog } from "./otel-sdk.js";
import { loadBackend, type LoadedBackend } from "./sdk-loader.js";
import type { TelemetryRecord } from "./telemetry.js";
import type { ToMain, ToWorker, WorkerOptions } from "./worker-protocol.js";

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

let loaded: LoadedBackend | undefined;
let pending: TelemetryRecord[] = [];
let shutdownAsked: number | undefined;

async function shutdown(timeoutMs: number): Promise<void> {
  await loaded?.backend?.shutdown(timeoutMs);
  loaded?.saveCache();
  post({ type: "closed" });
}

port.on("message", (message: ToWorker) => {
  if (message.type === "records") {
    if (loaded) for (const r of message.records) loaded.backend?.write(r);
    else pending.push(...message.records);
  } else if (loaded) {
    void shutdown(message.timeoutMs);
  } else {
    shutdownAsked = message.timeoutMs;
  }
});

const sdkFile = new URL("./otel-sdk.cjs", import.meta.url).pathname;
loadBackend(workerData as WorkerOptions, sdkFile, log, (summary, details) => post({ type: "warning", summary, details })).then(
  async (ready) => {
    loaded = ready;
    post({ type: "ready" });
    for (const r of pending) ready.backend?.write(r);
    pending = [];
    if (shutdownAsked !== undefined) await shutdown(shutdownAsked);
  },
  (error: unknown) => {
    post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    post({ type: "closed" });
  },
);
