// Reads a Chat Completions stream (`chat.completion.chunk` payloads, then `[DONE]`) into the same
// ModelEvents the Responses wire yields. Chat has no items: this decoder opens them itself (ids
// of its own), streams their deltas, and closes them at the choice's finish_reason.
// - delta.reasoning_content / delta.reasoning → a reasoning item (its raw text),
// - delta.content → an assistant message,
// - delta.tool_calls, assembled by index → function calls,
// - usage (stream_options.include_usage; a last chunk with no choices) → the completed event's usage.
// `[DONE]` completes the response. A body that ends after finish_reason without `[DONE]` is taken
// as complete (some servers never send it); one that ends before finish_reason was cut short.
import { randomUUID } from "node:crypto";
import type { SseEvent } from "./sse.js";
import { NO_EVENTS, payloadObject, type DecodedEvent, type WireDecoder } from "./streaming-client.js";
import { ModelError, type ModelEvent, type ResponseItem, type TokenUsage } from "./types.js";
import { isObject, tokenUsage, type UsageFieldNames } from "./wire.js";

const CHUNK = "chat.completion.chunk";
const DONE = "[DONE]";

interface OpenText {
  id: string;
  text: string;
}

interface PendingCall {
  callId: string;
  name: string;
  arguments: string;
}

export class ChatStreamDecoder implements WireDecoder {
  private responseId = "";
  private reasoning: OpenText | undefined;
  private message: OpenText | undefined;
  /** By the index the server gives each call; a Map keeps the order they started in. */
  private readonly calls = new Map<number, PendingCall>();
  private usage: TokenUsage | undefined;
  private finished = false;

  event(sse: SseEvent): DecodedEvent {
    if (sse.data === DONE) return { kind: DONE, events: this.complete() };
    const payload = payloadObject(sse);
    if (!("data" in payload)) return payload;
    const { data } = payload;
    if (isObject(data.error)) return { kind: "error", events: NO_EVENTS, failure: streamError(data.error) };
    if (!this.responseId && typeof data.id === "string") this.responseId = data.id;
    const usage = mapChatUsage(data.usage);
    if (usage) this.usage = usage;
    const choice = firstChoice(data.choices);
    if (!isObject(choice)) return { kind: CHUNK, events: NO_EVENTS };
    const events: ModelEvent[] = [];
    if (isObject(choice.delta)) this.delta(choice.delta, events);
    if (typeof choice.finish_reason === "string" && choice.finish_reason) this.finish(events);
    return { kind: CHUNK, events };
  }

  end(): readonly ModelEvent[] | undefined {
    return this.finished ? this.complete() : undefined;
  }

  private delta(delta: Record<string, unknown>, events: ModelEvent[]): void {
    const thought = reasoningText(delta);
    if (thought) {
      if (!this.reasoning) {
        this.reasoning = { id: randomUUID(), text: "" };
        events.push({ type: "output_item_added", item: { type: "reasoning", id: this.reasoning.id, summary: [], content: [] } });
      }
      this.reasoning.text += thought;
      events.push({ type: "reasoning_text_delta", itemId: this.reasoning.id, delta: thought, contentIndex: 0 });
    }
    if (typeof delta.content === "string" && delta.content) {
      this.closeReasoning(events); // the thinking is over once the answer starts
      if (!this.message) {
        this.message = { id: randomUUID(), text: "" };
        events.push({ type: "output_item_added", item: { type: "message", id: this.message.id, role: "assistant", content: [] } });
      }
      this.message.text += delta.content;
      events.push({ type: "output_text_delta", itemId: this.message.id, delta: delta.content });
    }
    if (Array.isArray(delta.tool_calls)) {
      this.closeReasoning(events);
      delta.tool_calls.forEach((raw, position) => this.toolCallDelta(raw, position));
    }
  }

  private toolCallDelta(raw: unknown, position: number): void {
    if (!isObject(raw)) return;
    // Servers that send each call whole (Ollama) may leave the index out.
    const index = typeof raw.index === "number" ? raw.index : position;
    let call = this.calls.get(index);
    if (!call) {
      call = { callId: "", name: "", arguments: "" };
      this.calls.set(index, call);
    }
    if (typeof raw.id === "string" && raw.id && !call.callId) call.callId = raw.id;
    const fn = isObject(raw.function) ? raw.function : {};
    if (typeof fn.name === "string") call.name += fn.name;
    if (typeof fn.arguments === "string") call.arguments += fn.arguments;
    else if (isObject(fn.arguments)) call.arguments += JSON.stringify(fn.arguments);
  }

  /** finish_reason: every open item is done. */
  private finish(events: ModelEvent[]): void {
    this.finished = true;
    this.closeReasoning(events);
    if (this.message) {
      const { id, text } = this.message;
      events.push({ type: "output_item_done", item: { type: "message", id, role: "assistant", content: [{ type: "output_text", text }] } });
      this.message = undefined;
    }
    for (const call of this.calls.values()) {
      const item: ResponseItem = {
        type: "function_call",
        call_id: call.callId || `call_${randomUUID()}`,
        name: call.name,
        // Checked where the call runs: bad JSON becomes an error output the model can read.
        arguments: call.arguments,
      };
      events.push({ type: "output_item_added", item }, { type: "output_item_done", item });
    }
    this.calls.clear();
  }

  private closeReasoning(events: ModelEvent[]): void {
    if (!this.reasoning) return;
    const { id, text } = this.reasoning;
    events.push({ type: "output_item_done", item: { type: "reasoning", id, summary: [], content: [{ type: "reasoning_text", text }] } });
    this.reasoning = undefined;
  }

  private complete(): ModelEvent[] {
    const events: ModelEvent[] = [];
    if (!this.finished) this.finish(events);
    events.push(this.usage ? { type: "completed", responseId: this.responseId, usage: this.usage } : { type: "completed", responseId: this.responseId });
    return events;
  }
}

/** Choice 0 (we ask for one; a server that sends more has the others ignored). */
function firstChoice(choices: unknown): unknown {
  if (!Array.isArray(choices)) return undefined;
  for (const c of choices) if (isObject(c) && (c.index ?? 0) === 0) return c;
  return undefined;
}

/** delta.reasoning_content (DeepSeek, vLLM, llama.cpp) or delta.reasoning (Ollama, OpenRouter: a string or { text }). */
function reasoningText(delta: Record<string, unknown>): string {
  if (typeof delta.reasoning_content === "string") return delta.reasoning_content;
  const r = delta.reasoning;
  if (typeof r === "string") return r;
  if (isObject(r)) {
    if (typeof r.text === "string") return r.text;
    if (typeof r.content === "string") return r.content;
  }
  return "";
}

function streamError(error: Record<string, unknown>): ModelError {
  const message = typeof error.message === "string" && error.message ? error.message : "the model server reported an error mid-stream";
  const code = typeof error.code === "string" ? error.code : undefined;
  return new ModelError("response_failed", message, undefined, undefined, code);
}

const CHAT_USAGE: UsageFieldNames = { input: "prompt_tokens", output: "completion_tokens", inputDetails: "prompt_tokens_details", outputDetails: "completion_tokens_details" };

/** Chat usage → TokenUsage; undefined when the chunk carried none. */
export function mapChatUsage(raw: unknown): TokenUsage | undefined {
  return tokenUsage(raw, CHAT_USAGE);
}
