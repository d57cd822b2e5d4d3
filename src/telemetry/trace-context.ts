// W3C trace context (https://www.w3.org/TR/trace-context/): reading a client's `traceparent` and
// writing ours. A malformed value reads as undefined: it is ignored, never an error.

export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
  traceState?: string;
  /** Came from outside the process (a client's traceparent). */
  remote?: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE = "0".repeat(32);
const INVALID_SPAN = "0".repeat(16);

export function parseTraceparent(traceparent: unknown, tracestate?: unknown): TraceContext | undefined {
  if (typeof traceparent !== "string" || traceparent.length > 512) return undefined;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has nothing after the flags.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  const state = typeof tracestate === "string" && tracestate.length > 0 && tracestate.length <= 512 ? tracestate : undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1, remote: true, ...(state ? { traceState: state } : {}) };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

// Ids come from a pooled buffer: one random fill per 512 spans instead of one per id. Web crypto
// (a lazy global) keeps node:crypto out of start-up.
let pool = Buffer.alloc(0);
let offset = 0;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4096)));
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return hex;
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);
