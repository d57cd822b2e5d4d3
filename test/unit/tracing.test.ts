import { describe, expect, it } from "vitest";
import { Telemetry, type TelemetryRecord } from "../../src/telemetry/telemetry.js";

function hub(signals: { logs: boolean; metrics: boolean; traces?: boolean }) {
  const t = new Telemetry();
  t.configure(signals);
  const records: TelemetryRecord[] = [];
  t.attach({ write: (r) => void records.push(r), shutdown: async () => {} });
  return { t, records };
}

const span = { name: "x", kind: "internal" as const, traceId: "a".repeat(32), spanId: "b".repeat(16), startMs: 1, endMs: 2, attributes: {}, events: [], status: "unset" as const };

describe("telemetry hub signals", () => {
  it("a trace exporter alone: spans flow, and log/metric emitters see the hub as off (nothing built per delta)", () => {
    const { t, records } = hub({ logs: false, metrics: false, traces: true });
    expect(t.tracing).toBe(true);
    expect(t.enabled).toBe(false);
    t.event("codex.sse_event", { a: "1" });
    t.count("c", {});
    t.span(span);
    expect(records.map((r) => r.kind)).toEqual(["span"]);
  });

  it("no trace exporter: spans are dropped at the door and tracing reads off", () => {
    const { t, records } = hub({ logs: true, metrics: false });
    expect(t.tracing).toBe(false);
    t.span(span);
    t.event("e", {});
    expect(records.map((r) => r.kind)).toEqual(["log"]);
    const off = hub({ logs: false, metrics: false, traces: false });
    expect(off.t.tracing).toBe(false);
    expect(off.t.enabled).toBe(false);
  });
});
