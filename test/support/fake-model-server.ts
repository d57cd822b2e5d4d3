// A scripted fake Responses API on 127.0.0.1 for unit and integration tests. Each request takes
// the next scripted response from the queue (an empty queue answers 500 with a clear message) and
// is recorded: path (with query), headers, parsed JSON body.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

/** One SSE payload; its `type` is also the `event:` name. */
export type WireEvent = { type: string; [key: string]: unknown };

export type ScriptedResponse =
  | {
      kind: "sse";
      events: WireEvent[];
      /** Pause before each event after the first (a slow stream). */
      delayMs?: number;
      /** Send only the first N events, then cut the stream as `cut` says. */
      cutAfter?: number;
      /** end: finish the body cleanly (default); destroy: reset the connection; hang: go silent, keep it open. */
      cut?: "end" | "destroy" | "hang";
      headers?: Record<string, string>;
    }
  | { kind: "error"; status: number; body: string; headers?: Record<string, string> }
  /** A text turn of `count` identical deltas, written in large batches (benchmarks). */
  | { kind: "deltas"; count: number; delta: string; itemId: string; responseId: string }
  /** Literal SSE text, for malformed or unusual streams. */
  | { kind: "raw"; body: string }
  /** Pre-encoded SSE frames (other wires, e.g. Chat Completions chunks), paced and cut like "sse". */
  | { kind: "frames"; frames: string[]; delayMs?: number; cutAfter?: number; cut?: "end" | "destroy" | "hang" }
  /** Accept the request and never answer: no status line, no headers, the connection stays open. */
  | { kind: "stall" }
  /** A plain JSON answer (non-streaming endpoints, e.g. /responses/compact). */
  | { kind: "json"; body: unknown };

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/v1/responses?api-version=1". */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON; the raw text when it was not JSON. */
  body: any;
  /** Date.now() when the request body had arrived. */
  at: number;
}

export interface FakeModelServer {
  /** A provider base_url: http://127.0.0.1:<port>/v1 */
  url: string;
  requests: RecordedRequest[];
  enqueue(...responses: (ScriptedResponse | WireEvent[])[]): void;
  /** Scripted responses not yet used. */
  pending(): number;
  /** What GET <url>/models answers (JSON); until set, that request takes the next scripted response. */
  serveModels(body: unknown): void;
  close(): Promise<void>;
}

export interface UsageSpec {
  input_tokens?: number;
  cached_input_tokens?: number;
  output_tokens?: number;
  reasoning_output_tokens?: number;
  total_tokens?: number;
}

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  let models: { body: unknown } | undefined;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const text = Buffer.concat(parts).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: Date.now() });
      if (models && req.method === "GET" && /\/models(\?|$)/.test(req.url ?? "")) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(models.body));
        return;
      }
      const next = queue.shift();
      if (!next) {
        const message = `fake model server: no scripted response left for request #${requests.length} (${req.method} ${req.url})`;
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message } }));
        return;
      }
      play(next, res).catch(() => res.destroy());
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => {
      for (const r of responses) queue.push(Array.isArray(r) ? sse(r) : r);
    },
    pending: () => queue.length,
    serveModels: (body) => {
      models = { body };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function play(response: ScriptedResponse, res: ServerResponse): Promise<void> {
  switch (response.kind) {
    case "error":
      res.writeHead(response.status, { "content-type": "application/json", ...response.headers }).end(response.body);
      return;
    case "raw":
      res.writeHead(200, SSE_HEADERS).end(response.body);
      return;
    case "deltas":
      return playDeltas(response, res);
    case "stall":
      return; // close() drops the connection
    case "json":
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(response.body));
      return;
    case "sse":
      return playFrames({ ...response, kind: "frames", frames: response.events.map(encodeEvent) }, res, response.headers);
    case "frames":
      return playFrames(response, res);
  }
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

async function playFrames(r: Extract<ScriptedResponse, { kind: "frames" }>, res: ServerResponse, headers?: Record<string, string>): Promise<void> {
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  const frames = r.cutAfter === undefined ? r.frames : r.frames.slice(0, r.cutAfter);
  if (!r.delayMs) {
    res.write(frames.join(""));
  } else {
    res.flushHeaders();
    for (const [i, frame] of frames.entries()) {
      if (i > 0) await delay(r.delayMs);
      if (res.destroyed) return;
      res.write(frame);
    }
  }
  const cut = r.cutAfter === undefined ? "end" : (r.cut ?? "end");
  if (cut === "destroy") {
    // Let the written events reach the client first, then reset the connection.
    await delay(20);
    res.socket?.destroy();
  } else if (cut === "end") {
    res.end();
  }
}

async function playDeltas(r: Extract<ScriptedResponse, { kind: "deltas" }>, res: ServerResponse): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  res.write(encodeEvent(created(r.responseId)) + encodeEvent({ type: "response.output_item.added", output_index: 0, item: assistantMessage(r.itemId, "") }));
  const one = encodeEvent({ type: "response.output_text.delta", item_id: r.itemId, output_index: 0, content_index: 0, delta: r.delta });
  const perBatch = Math.max(1, Math.floor((256 * 1024) / one.length));
  const batch = one.repeat(perBatch);
  let left = r.count;
  while (left > 0) {
    const n = Math.min(left, perBatch);
    left -= n;
    if (!res.write(n === perBatch ? batch : one.repeat(n))) await once(res, "drain");
    if (res.destroyed) return;
  }
  const text = r.delta.repeat(r.count);
  res.end(
    encodeEvent({ type: "response.output_item.done", output_index: 0, item: assistantMessage(r.itemId, text) }) +
      encodeEvent(completed({ output_tokens: r.count }, r.responseId)),
  );
}

export function encodeEvent(event: WireEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

// ---- builders --------------------------------------------------------------------------------

let responseCounter = 0;
const nextResponseId = () => `resp_${++responseCounter}`;

export function sse(events: WireEvent[], options: Omit<Extract<ScriptedResponse, { kind: "sse" }>, "kind" | "events"> = {}): ScriptedResponse {
  return { kind: "sse", events, ...options };
}

export function jsonResponse(body: unknown): ScriptedResponse {
  return { kind: "json", body };
}

export function httpError(status: number, body: string, headers?: Record<string, string>): ScriptedResponse {
  return headers ? { kind: "error", status, body, headers } : { kind: "error", status, body };
}

/** The first `after` events, then the stream ends cleanly (or resets / hangs). */
export function cut(events: WireEvent[], after: number, mode: "end" | "destroy" | "hang" = "end"): ScriptedResponse {
  return { kind: "sse", events, cutAfter: after, cut: mode };
}

/** Headers and the first `after` events, then silence on an open connection (a hung model). */
export function silentAfter(events: WireEvent[], after: number): ScriptedResponse {
  return cut(events, after, "hang");
}

/** A connection that is accepted and never answered: not even a status line. */
export function noHeaders(): ScriptedResponse {
  return { kind: "stall" };
}

export function slow(events: WireEvent[], delayMs: number): ScriptedResponse {
  return { kind: "sse", events, delayMs };
}

export function manyDeltas(count: number, delta: string, options: { itemId?: string; responseId?: string } = {}): ScriptedResponse {
  return { kind: "deltas", count, delta, itemId: options.itemId ?? "msg_bench", responseId: options.responseId ?? nextResponseId() };
}

export function created(responseId = "resp_created"): WireEvent {
  return { type: "response.created", response: { id: responseId } };
}

/** response.completed; usage is given in our names and sent in the API's (…_details objects). */
export function completed(usage?: UsageSpec, responseId = "resp_done"): WireEvent {
  const response: Record<string, unknown> = { id: responseId };
  if (usage) {
    const input = usage.input_tokens ?? 0;
    const output = usage.output_tokens ?? 0;
    response.usage = {
      input_tokens: input,
      input_tokens_details: { cached_tokens: usage.cached_input_tokens ?? 0 },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: usage.reasoning_output_tokens ?? 0 },
      total_tokens: usage.total_tokens ?? input + output,
    };
  }
  return { type: "response.completed", response };
}

function assistantMessage(id: string, text: string): Record<string, unknown> {
  return { type: "message", id, status: "completed", role: "assistant", content: text ? [{ type: "output_text", text, annotations: [] }] : [] };
}

/** The events of one assistant message: added, deltas (default: the text in one piece), done. */
export function messageEvents(text: string, options: { id?: string; deltas?: string[]; outputIndex?: number } = {}): WireEvent[] {
  const id = options.id ?? "msg_1";
  const output_index = options.outputIndex ?? 0;
  const deltas = options.deltas ?? [text];
  return [
    { type: "response.output_item.added", output_index, item: { ...assistantMessage(id, ""), status: "in_progress" } },
    ...deltas.map((delta) => ({ type: "response.output_text.delta", item_id: id, output_index, content_index: 0, delta })),
    { type: "response.output_item.done", output_index, item: assistantMessage(id, text) },
  ];
}

export interface TurnOptions {
  id?: string;
  deltas?: string[];
  responseId?: string;
  usage?: UsageSpec;
}

/** A whole response: created, one assistant message, completed. */
export function textTurn(text: string, options: TurnOptions = {}): WireEvent[] {
  const responseId = options.responseId ?? nextResponseId();
  return [created(responseId), ...messageEvents(text, options), completed(options.usage ?? { input_tokens: 10, output_tokens: 5 }, responseId)];
}

/** A whole response whose only output is a function call. */
export function functionCallTurn(call: { callId: string; name: string; arguments: string; id?: string; responseId?: string; usage?: UsageSpec }): WireEvent[] {
  const responseId = call.responseId ?? nextResponseId();
  const item = { type: "function_call", id: call.id ?? `fc_${call.callId}`, status: "completed", call_id: call.callId, name: call.name, arguments: call.arguments };
  return [
    created(responseId),
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", arguments: "" } },
    { type: "response.function_call_arguments.delta", item_id: item.id, output_index: 0, delta: call.arguments },
    { type: "response.output_item.done", output_index: 0, item },
    completed(call.usage ?? { input_tokens: 10, output_tokens: 5 }, responseId),
  ];
}

/** A whole response whose only output is a freeform (custom) tool call, its input streamed in one delta. */
export function customToolCallTurn(call: { callId: string; name: string; input: string; id?: string; responseId?: string }): WireEvent[] {
  const responseId = call.responseId ?? nextResponseId();
  const item = { type: "custom_tool_call", id: call.id ?? `ctc_${call.callId}`, status: "completed", call_id: call.callId, name: call.name, input: call.input };
  return [
    created(responseId),
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", input: "" } },
    { type: "response.custom_tool_call_input.delta", item_id: item.id, output_index: 0, delta: call.input },
    { type: "response.output_item.done", output_index: 0, item },
    completed({ input_tokens: 10, output_tokens: 5 }, responseId),
  ];
}

/** A whole response: a reasoning item (summary parts, optional raw reasoning text), then optionally a message. */
export function reasoningTurn(options: {
  summary: string[];
  reasoningText?: string;
  text?: string;
  id?: string;
  messageId?: string;
  encryptedContent?: string;
  responseId?: string;
  usage?: UsageSpec;
}): WireEvent[] {
  const id = options.id ?? "rs_1";
  const responseId = options.responseId ?? nextResponseId();
  const events: WireEvent[] = [
    created(responseId),
    { type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id, summary: [] } },
  ];
  options.summary.forEach((text, summary_index) => {
    events.push({ type: "response.reasoning_summary_part.added", item_id: id, output_index: 0, summary_index, part: { type: "summary_text", text: "" } });
    events.push({ type: "response.reasoning_summary_text.delta", item_id: id, output_index: 0, summary_index, delta: text });
    events.push({ type: "response.reasoning_summary_text.done", item_id: id, output_index: 0, summary_index, text });
  });
  if (options.reasoningText) {
    events.push({ type: "response.reasoning_text.delta", item_id: id, output_index: 0, content_index: 0, delta: options.reasoningText });
  }
  const done: Record<string, unknown> = { type: "reasoning", id, summary: options.summary.map((text) => ({ type: "summary_text", text })) };
  if (options.reasoningText) done.content = [{ type: "reasoning_text", text: options.reasoningText }];
  if (options.encryptedContent !== undefined) done.encrypted_content = options.encryptedContent;
  events.push({ type: "response.output_item.done", output_index: 0, item: done });
  if (options.text !== undefined) events.push(...messageEvents(options.text, { id: options.messageId ?? "msg_1", outputIndex: 1 }));
  events.push(completed(options.usage ?? { input_tokens: 10, output_tokens: 5, reasoning_output_tokens: 3 }, responseId));
  return events;
}

export function failedTurn(message: string, responseId = nextResponseId()): WireEvent[] {
  return [created(responseId), { type: "response.failed", response: { id: responseId, status: "failed", error: { code: "server_error", message } } }];
}
