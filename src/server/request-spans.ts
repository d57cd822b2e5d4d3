// One SERVER span per JSON-RPC request, shaped as 0.169's `app_server.request` span (named after
// the method, rpc.* and app_server.* attributes). The client's `trace.traceparent` becomes its
// parent; a malformed one is ignored. While it is handled the span is registered under the thread
// the request names, so a turn it starts is traced under it.
import { readTraceField } from "../protocol/trace.js";
import type { RequestEnvelope, RequestObserver } from "../rpc/router.js";
import { parseTraceparent, type TraceContext } from "../telemetry/trace-context.js";
import { tracing } from "../telemetry/tracing.js";
import type { ClientSession } from "./client-session.js";

export interface RequestSpanSource {
  session: ClientSession;
  connectionId: string;
  transport: string;
}

export function requestSpans(source: RequestSpanSource) {
  // As 0.169: a process started with TRACEPARENT (/ TRACESTATE) puts requests without a `trace`
  // field under that context. Read once.
  let fromEnv: { context: TraceContext | undefined } | undefined;
  const envParent = () => (fromEnv ??= { context: parseTraceparent(process.env.TRACEPARENT, process.env.TRACESTATE) }).context;
  return (method: string, params: unknown, envelope: RequestEnvelope | undefined): RequestObserver | undefined => {
    if (!tracing.enabled) return undefined;
    const trace = readTraceField(envelope?.trace);
    // A field that is there but malformed starts a new trace; it does not fall back to the env.
    const parent = trace ? parseTraceparent(trace.traceparent, trace.tracestate) : envParent();
    const client = method === "initialize" ? initializeClient(params) : source.session.clientInfo;
    const threadId = threadIdOf(params);
    const span = tracing.start(method, "server", parent, {
      "rpc.system": "jsonrpc",
      "rpc.method": method,
      "rpc.transport": source.transport,
      "rpc.request_id": envelope ? String(envelope.id) : undefined,
      "app_server.connection_id": source.connectionId,
      // v1 methods are camelCase words; v2 ones are `noun/verb` (initialize serves both).
      "app_server.api_version": method.includes("/") || method === "initialize" ? "v2" : "v1",
      "app_server.client_name": client?.name,
      "app_server.client_version": client?.version,
      "thread.id": threadId,
    });
    const leave = threadId !== undefined ? tracing.handling(threadId, span) : undefined;
    return {
      done(outcome, code, result) {
        leave?.();
        span.set({ "app_server.outcome": outcome, "rpc.jsonrpc.error_code": code });
        if (method === "turn/start") span.set({ "turn.id": turnIdOf(result) });
        span.end(outcome === "error" ? { error: `JSON-RPC error ${code}` } : undefined);
      },
    };
  };
}

function initializeClient(params: unknown): { name?: string; version?: string } | undefined {
  const info = (params as { clientInfo?: { name?: unknown; version?: unknown } } | null)?.clientInfo;
  if (!info || typeof info !== "object") return undefined;
  return {
    ...(typeof info.name === "string" ? { name: info.name } : {}),
    ...(typeof info.version === "string" ? { version: info.version } : {}),
  };
}

function threadIdOf(params: unknown): string | undefined {
  const id = (params as { threadId?: unknown; conversationId?: unknown } | null)?.threadId ?? (params as { conversationId?: unknown } | null)?.conversationId;
  return typeof id === "string" ? id : undefined;
}

function turnIdOf(result: unknown): string | undefined {
  const id = (result as { turn?: { id?: unknown } } | null)?.turn?.id;
  return typeof id === "string" ? id : undefined;
}
