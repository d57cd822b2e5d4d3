// The request envelope's optional `trace` field (0.169's JSONRPCRequest.trace): the client's W3C
// trace context. It is advisory: a value of any other shape is ignored, never an error, so the
// reader returns undefined instead of throwing.
import * as s from "./schema.js";

export const W3cTraceContext = s.object({
  traceparent: s.optional(s.nullable(s.string())),
  tracestate: s.optional(s.nullable(s.string())),
});
export type W3cTraceContext = s.Infer<typeof W3cTraceContext>;

export function readTraceField(value: unknown): W3cTraceContext | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { traceparent, tracestate } = value as Record<string, unknown>;
  if (typeof traceparent !== "string") return undefined;
  return typeof tracestate === "string" ? { traceparent, tracestate } : { traceparent };
}
