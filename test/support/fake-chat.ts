// Chat Completions streams for the fake model server: `data: <chunk>` frames as OpenAI, Ollama and
// vLLM send them, then `data: [DONE]`. Builders return ScriptedResponses for FakeModelServer.enqueue.
import type { ScriptedResponse } from "./fake-model-server.js";

export type ChatChunk = Record<string, unknown>;

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export const DONE_FRAME = "data: [DONE]\n\n";

export function chatFrame(chunk: ChatChunk | string): string {
  return `data: ${typeof chunk === "string" ? chunk : JSON.stringify(chunk)}\n\n`;
}

let counter = 0;

/** One chunk with a delta for choice 0 (and a finish_reason when given). */
export function deltaChunk(delta: Record<string, unknown>, finishReason: string | null = null, id = `chatcmpl-${++counter}`): ChatChunk {
  return { id, object: "chat.completion.chunk", created: 0, model: "fake", choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** The last chunk of a stream with stream_options.include_usage: no choices, only usage. */
export function usageChunk(usage: ChatUsage): ChatChunk {
  return { id: `chatcmpl-${++counter}`, object: "chat.completion.chunk", created: 0, model: "fake", choices: [], usage };
}

export interface ChatStreamOptions {
  usage?: ChatUsage;
  /** Leave out `data: [DONE]`. */
  noDone?: boolean;
  delayMs?: number;
  cutAfter?: number;
  cut?: "end" | "destroy" | "hang";
}

/** Frames of chunks (strings are sent as they are, e.g. malformed JSON), then usage and [DONE]. */
export function chatStream(chunks: (ChatChunk | string)[], options: ChatStreamOptions = {}): ScriptedResponse {
  const frames = chunks.map(chatFrame);
  if (options.usage) frames.push(chatFrame(usageChunk(options.usage)));
  if (!options.noDone) frames.push(DONE_FRAME);
  const r: Extract<ScriptedResponse, { kind: "frames" }> = { kind: "frames", frames };
  if (options.delayMs !== undefined) r.delayMs = options.delayMs;
  if (options.cutAfter !== undefined) r.cutAfter = options.cutAfter;
  if (options.cut !== undefined) r.cut = options.cut;
  return r;
}

/** A text answer streamed as `deltas` (default: the whole text in one), finish_reason stop. */
export function chatTextTurn(deltas: string[], options: ChatStreamOptions = {}): ScriptedResponse {
  const chunks: ChatChunk[] = [deltaChunk({ role: "assistant", content: "" })];
  for (const d of deltas) chunks.push(deltaChunk({ content: d }));
  chunks.push(deltaChunk({}, "stop"));
  return chatStream(chunks, { usage: { prompt_tokens: 10, completion_tokens: 5 }, ...options });
}

/** One tool call whose arguments arrive in `parts`, as OpenAI streams them (id and name first). */
export function chatToolCallTurn(call: { id: string; name: string; parts: string[]; index?: number }, options: ChatStreamOptions = {}): ScriptedResponse {
  const index = call.index ?? 0;
  const chunks: ChatChunk[] = [
    deltaChunk({ role: "assistant", content: null, tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
    ...call.parts.map((part) => deltaChunk({ tool_calls: [{ index, function: { arguments: part } }] })),
    deltaChunk({}, "tool_calls"),
  ];
  return chatStream(chunks, { usage: { prompt_tokens: 10, completion_tokens: 5 }, ...options });
}
