// Messages between the main thread and the telemetry worker.
import type { ExporterSpec } from "../config/types.js";
import type { TelemetryRecord } from "./telemetry.js";

export type ActiveExporter = Exclude<ExporterSpec, { kind: "none" }>;

export interface WorkerOptions {
  resource: Record<string, string>;
  scope: string;
  version: string;
  /** Relative TLS paths resolve against it. */
  codexHome: string;
  logs?: ActiveExporter;
  metrics?: ActiveExporter;
  traces?: ActiveExporter;
  metricsExportIntervalMs: number;
}

export type ToWorker = { type: "records"; records: TelemetryRecord[] } | { type: "shutdown"; timeoutMs: number };

export type ToMain =
  | { type: "ready" }
  | { type: "warning"; summary: string; details: string }
  | { type: "failed"; message: string }
  | { type: "log"; level: "warn" | "debug"; text: string }
  | { type: "closed" };
