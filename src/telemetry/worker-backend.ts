// The main thread's side of the telemetry worker. Records are batched per event-loop turn and
// posted. At shutdown a ready worker flushes and exports; a worker still loading (a short session:
// it needs ≈ 50 ms to boot plus the SDK load) is dropped and the main thread, which has no replies
// left to delay, exports the records itself.
import { Worker } from "node:worker_threads";
import type { Logger } from "../logging/logger.js";
import { loadBackend } from "./sdk-loader.js";
import type { TelemetryBackend, TelemetryRecord } from "./telemetry.js";
import type { ToMain, ToWorker, WorkerOptions } from "./worker-protocol.js";

export interface WorkerBackendEvents {
  /** The SDK could not start in the worker; telemetry export is off. */
  onFailed(message: string): void;
  /** An exporter was turned off (e.g. a TLS file is missing). */
  onWarning(summary: string, details: string): void;
}

const MAX_UNCLAIMED = 10_000;

export function startWorkerBackend(options: WorkerOptions, log: Logger, events: WorkerBackendEvents): TelemetryBackend {
  const workerFile = new URL("./telemetry-worker.js", import.meta.url);
  const sdkFile = new URL("./otel-sdk.cjs", import.meta.url).pathname;
  const worker = new Worker(workerFile, { workerData: options });
  // Never keep the process alive for telemetry; shutdown waits for it explicitly.
  worker.unref();
  let ready = false;
  let failed = false;
  // Records the worker has not taken into its SDK yet: exported here if it never gets ready.
  let unclaimed: TelemetryRecord[] = [];
  let batch: TelemetryRecord[] = [];
  let scheduled = false;
  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => (markClosed = resolve));
  const send = (message: ToWorker) => worker.postMessage(message);

  worker.on("message", (message: ToMain) => {
    switch (message.type) {
      case "ready":
        ready = true;
        unclaimed = [];
        return;
      case "log":
        log[message.level]({ component: "otel" }, message.text);
        return;
      case "warning":
        events.onWarning(message.summary, message.details);
        return;
      case "failed":
        failed = true;
        events.onFailed(message.message);
        return;
      case "closed":
        markClosed();
    }
  });
  worker.on("error", (error) => {
    failed = true;
    log.warn({ err: error }, "telemetry worker failed");
    events.onFailed(error.message);
    markClosed();
  });
  worker.on("exit", () => markClosed());

  const flushBatch = () => {
    scheduled = false;
    if (batch.length === 0) return;
    send({ type: "records", records: batch });
    if (!ready && unclaimed.length < MAX_UNCLAIMED) unclaimed.push(...batch);
    batch = [];
  };

  const exportHere = async (timeoutMs: number) => {
    void worker.terminate();
    const records = [...unclaimed, ...batch];
    const here = await loadBackend(options, sdkFile, log, (summary, details) => log.warn({ details }, summary));
    for (const r of records) here.backend?.write(r);
    await here.backend?.shutdown(timeoutMs);
    here.saveCache();
  };

  return {
    write(record) {
      batch.push(record);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushBatch);
      }
    },
    shutdown(timeoutMs) {
      closing ??= (async () => {
        if (failed) return;
        if (!ready) return exportHere(timeoutMs);
        flushBatch();
        send({ type: "shutdown", timeoutMs: Math.max(timeoutMs - 100, 0) });
        await Promise.race([whenClosed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
        // No terminate(): waiting for the thread to wind down costs ~20 ms, and exit ends it anyway.
      })();
      return closing;
    },
  };
}
