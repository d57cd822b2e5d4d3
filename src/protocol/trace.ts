// The request envelope's optional `trace` field (0.169's JSONRPCRequest.trace, W3cTraceContext):
// the client's W3C trace context. It is advisory: a value of any other shape is ignored, never an
// error, so this reader returns undefined instead of throwing.

export interface W3cTraceContext {
  traceparent?: string | null;
  tracestate?: string | null;
}

export function readTraceField(value: unknown): W3cTraceContext | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { traceparent, tracestate } = value as Record<string, unknown>;
  if (typeof traceparent !== "string") return undefined;
  return typeof tracestate === "string" ? { traceparent, tracestate } : { traceparent };
}
