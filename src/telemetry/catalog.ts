// Every telemetry name this server emits, in one place (README.md lists them for operators).
import type { DispatchReport } from "../rpc/router.js";
import { telemetry } from "./telemetry.js";

export const MetricName = {
  /** Counter: one per JSON-RPC request handled. Attributes: method, outcome, error.code, originator. */
  requests: "codex.app_server.requests",
  /** Histogram (ms): time from dispatch to reply. Same attributes. */
  requestDuration: "codex.app_server.request.duration_ms",
} as const;

export const EventName = {
  /** A client completed `initialize`: client.name, client.version, user_agent. */
  clientInitialized: "codex.app_server.initialize",
} as const;

export function recordRequest(report: DispatchReport): void {
  if (!telemetry.enabled) return;
  const attributes = { method: report.method, outcome: report.outcome, "error.code": report.code };
  telemetry.count(MetricName.requests, attributes);
  telemetry.histogram(MetricName.requestDuration, report.durationMs, attributes);
}

export function recordClientInitialized(client: { name: string; version: string; title?: string | null }, userAgent: string): void {
  telemetry.event(EventName.clientInitialized, {
    "client.name": client.name,
    "client.version": client.version,
    "client.title": client.title ?? undefined,
    user_agent: userAgent,
  });
}
