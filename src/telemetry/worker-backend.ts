// The main thread's side of the telemetry worker: records are batched per event-loop turn and
// posted; shutdown asks the worker to flush and waits for it, within the deadline.
import { Worker } from "node:worker_threads";
import type { Logger } from "../logging/logger.js";
import type { TelemetryBackend, TelemetryRecord } from "./telemetry.js";
import type { ToMain, ToWorker, WorkerOptions } from "./worker-protocol.js";

export interface WorkerBackendEvents {
  /** The SDK could not start in the worker; telemetry export is off. */
  onFailed(message: string): void;
  /** An exporter was turned off (e.g. a TLS file is missing). */
  onWarning(summary: string, details: string): void;
}

export function startWorkerBackend(options: WorkerOptions, log: Logger, events: WorkerBackendEvents): TelemetryBackend {
  const worker = new Worker(new URL("./telemetry-worker.js", import.meta.url), { workerData: options });
  // Never keep the process alive for telemetry; shutdown waits for it explicitly.
  worker.unref();
  let batch: TelemetryRecord[] = [];
  let scheduled = false;
  let closed: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => (markClosed = resolve));
  const send = (message: ToWorker) => worker.postMessage(message);

  worker.on("message", (message: ToMain) => {
    switch (message.type) {
      case "log":
        log[message.level]({ component: "otel" }, message.text);
        return;
      case "failed":
        events.onFailed(message.message);
        return;
      case "warning":
        events.onWarning(message.summary, message.details);
        return;
      case "closed":
        markClosed();
        return;
      case "ready":
        log.debug("telemetry worker ready");
    }
  });
  worker.on("error", (error) => {
    log.warn({ err: error }, "telemetry worker failed");
    events.onFailed(error.message);
    markClosed();
  });
  worker.on("exit", () => markClosed());

  const flushBatch = () => {
    scheduled = false;
    if (batch.length === 0) return;
    send({ type: "records", records: batch });
    batch = [];
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
      closed ??= (async () => {
        flushBatch();
        send({ type: "shutdown", timeoutMs: Math.max(timeoutMs - 100, 0) });
        await Promise.race([whenClosed, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
        // No terminate(): waiting for the thread to wind down costs ~20 ms, and exit ends it anyway.
      })();
      return closed;
    },
  };
}
