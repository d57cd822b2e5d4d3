import { describe, expect, it } from "vitest";
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from "../../src/telemetry/trace-context.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("W3C traceparent", () => {
  it("reads a valid one, with its sampled flag and tracestate, and writes it back", () => {
    const ctx = parseTraceparent(`00-${TRACE}-${SPAN}-01`, "congo=t61rcWkgMzE");
    expect(ctx).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true, remote: true, traceState: "congo=t61rcWkgMzE" });
    expect(formatTraceparent(ctx!)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
    // A later version may append fields.
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-extra`)?.traceId).toBe(TRACE);
  });

  it("ignores malformed values", () => {
    for (const bad of [
      undefined,
      7,
      "",
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE}-${SPAN}-0g`,
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it("makes distinct ids of the right length", () => {
    const ids = new Set(Array.from({ length: 2000 }, newSpanId));
    expect(ids.size).toBe(2000);
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
