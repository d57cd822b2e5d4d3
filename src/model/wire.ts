// Translation between our types and the Responses API JSON: the request body, the items the model
// returns, and one SSE event's payload to a ModelEvent.
import { ModelError, type ContentItem, type ModelEvent, type ModelRequest, type ResponseItem, type TokenUsage } from "./types.js";

type Json = Record<string, unknown>;

/** The POST body, serialised once per model request and reused by its retries. */
export function buildRequestBody(request: ModelRequest): string {
  return JSON.stringify({
    model: request.model,
    instructions: request.instructions,
    input: request.input.map(toWireItem),
    tools: request.tools,
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: request.reasoning ?? null,
    store: false,
    stream: true,
    include: request.include ?? [],
    prompt_cache_key: request.conversationId,
    ...(request.maxOutputTokens !== undefined ? { max_output_tokens: request.maxOutputTokens } : {}),
    // A turn's outputSchema asks the model for JSON matching it (Responses structured output).
    ...(request.outputSchema !== undefined
      ? { text: { format: { type: "json_schema", name: "codex_output_schema", strict: true, schema: request.outputSchema } } }
      : {}),
  });
}

/**
 * An item as sent back to the model. Ids are left out: with `store: false` the server keeps no
 * items, and an input item naming an id it does not know is rejected. Reasoning text is not sent
 * back either (the reference drops it too); the encrypted content carries the reasoning.
 */
export function toWireItem(item: ResponseItem): Json {
  switch (item.type) {
    case "message":
      return { type: "message", role: item.role, content: item.content };
    case "reasoning":
      return item.encrypted_content === undefined
        ? { type: "reasoning", summary: item.summary }
        : { type: "reasoning", summary: item.summary, encrypted_content: item.encrypted_content };
    case "function_call":
      return { type: "function_call", name: item.name, arguments: item.arguments, call_id: item.call_id };
    case "function_call_output":
      return { type: "function_call_output", call_id: item.call_id, output: item.output };
    case "custom_tool_call":
      return { type: "custom_tool_call", call_id: item.call_id, name: item.name, input: item.input };
    case "custom_tool_call_output":
      return { type: "custom_tool_call_output", call_id: item.call_id, output: item.output };
    case "compaction":
      return { type: "compaction", encrypted_content: item.encrypted_content };
  }
}

/** An item from the model, reduced to our shape; undefined for kinds we do not handle. */
export function parseResponseItem(raw: unknown): ResponseItem | undefined {
  if (!isObject(raw)) return undefined;
  const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
  switch (raw.type) {
    case "message": {
      const role = raw.role;
      if (role !== "assistant" && role !== "user" && role !== "developer" && role !== "system") return undefined;
      const content = arrayOf(raw.content, parseContent);
      return id ? { type: "message", id, role, content } : { type: "message", role, content };
    }
    case "reasoning": {
      const summary = arrayOf(raw.summary, (p) => (isObject(p) && typeof p.text === "string" ? { type: "summary_text" as const, text: p.text } : undefined));
      const item: Extract<ResponseItem, { type: "reasoning" }> = { type: "reasoning", summary };
      if (id) item.id = id;
      if (Array.isArray(raw.content)) {
        item.content = arrayOf(raw.content, (p) => (isObject(p) && typeof p.text === "string" ? { type: "reasoning_text" as const, text: p.text } : undefined));
      }
      if (typeof raw.encrypted_content === "string" || raw.encrypted_content === null) item.encrypted_content = raw.encrypted_content;
      return item;
    }
    case "function_call": {
      if (typeof raw.call_id !== "string" || typeof raw.name !== "string") return undefined;
      const args = typeof raw.arguments === "string" ? raw.arguments : JSON.stringify(raw.arguments ?? {});
      const item: ResponseItem = { type: "function_call", call_id: raw.call_id, name: raw.name, arguments: args };
      if (id) item.id = id;
      return item;
    }
    case "function_call_output": {
      if (typeof raw.call_id !== "string") return undefined;
      const output = typeof raw.output === "string" ? raw.output : JSON.stringify(raw.output ?? "");
      return { type: "function_call_output", call_id: raw.call_id, output };
    }
    case "custom_tool_call": {
      if (typeof raw.call_id !== "string" || typeof raw.name !== "string") return undefined;
      const item: ResponseItem = { type: "custom_tool_call", call_id: raw.call_id, name: raw.name, input: typeof raw.input === "string" ? raw.input : "" };
      if (id) item.id = id;
      return item;
    }
    case "custom_tool_call_output": {
      if (typeof raw.call_id !== "string") return undefined;
      return { type: "custom_tool_call_output", call_id: raw.call_id, output: typeof raw.output === "string" ? raw.output : JSON.stringify(raw.output ?? "") };
    }
    case "compaction":
      return typeof raw.encrypted_content === "string" ? { type: "compaction", encrypted_content: raw.encrypted_content } : undefined;
    default:
      return undefined;
  }
}

function parseContent(raw: unknown): ContentItem | undefined {
  if (!isObject(raw)) return undefined;
  if ((raw.type === "output_text" || raw.type === "input_text") && typeof raw.text === "string") return { type: raw.type, text: raw.text };
  if (raw.type === "input_image" && typeof raw.image_url === "string") return { type: "input_image", image_url: raw.image_url };
  return undefined;
}

/** Where a wire keeps each token count in its usage object (Responses and Chat name them apart). */
export interface UsageFieldNames {
  input: string;
  output: string;
  inputDetails: string;
  outputDetails: string;
}

const RESPONSES_USAGE: UsageFieldNames = { input: "input_tokens", output: "output_tokens", inputDetails: "input_tokens_details", outputDetails: "output_tokens_details" };

/** A wire's usage object → TokenUsage; undefined when the message carried none. */
export function tokenUsage(raw: unknown, names: UsageFieldNames): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  const input = num(raw[names.input]);
  const output = num(raw[names.output]);
  const inputDetails = raw[names.inputDetails];
  const outputDetails = raw[names.outputDetails];
  return {
    input_tokens: input,
    cached_input_tokens: isObject(inputDetails) ? num(inputDetails.cached_tokens) : 0,
    output_tokens: output,
    reasoning_output_tokens: isObject(outputDetails) ? num(outputDetails.reasoning_tokens) : 0,
    total_tokens: typeof raw.total_tokens === "number" ? raw.total_tokens : input + output,
  };
}

/** Responses API usage → TokenUsage; undefined when the response carried none. */
export function mapUsage(raw: unknown): TokenUsage | undefined {
  return tokenUsage(raw, RESPONSES_USAGE);
}

/**
 * One SSE payload (parsed JSON, its `type` already read) → the event to yield, a ModelError that
 * ends the stream (response.failed / response.incomplete), or undefined for events we skip.
 */
export function mapSseEvent(type: string, data: Json): ModelEvent | ModelError | undefined {
  switch (type) {
    case "response.output_text.delta":
      return { type: "output_text_delta", itemId: str(data.item_id), delta: str(data.delta) };
    case "response.reasoning_summary_text.delta":
      return { type: "reasoning_summary_delta", itemId: str(data.item_id), delta: str(data.delta), summaryIndex: num(data.summary_index) };
    case "response.reasoning_text.delta":
      return { type: "reasoning_text_delta", itemId: str(data.item_id), delta: str(data.delta), contentIndex: num(data.content_index) };
    case "response.reasoning_summary_part.added":
      return { type: "reasoning_summary_part_added", itemId: str(data.item_id), summaryIndex: num(data.summary_index) };
    case "response.output_item.added":
    case "response.output_item.done": {
      const item = parseResponseItem(data.item);
      if (!item) return undefined;
      return type === "response.output_item.added" ? { type: "output_item_added", item } : { type: "output_item_done", item };
    }
    case "response.created":
      return { type: "created" };
    // A custom tool's input streams in pieces; the turn acts on the whole input of output_item.done.
    case "response.custom_tool_call_input.delta":
      return undefined;
    case "response.completed": {
      const response = isObject(data.response) ? data.response : {};
      const usage = mapUsage(response.usage);
      const model = typeof response.model === "string" ? { model: response.model } : {};
      return usage ? { type: "completed", responseId: str(response.id), ...model, usage } : { type: "completed", responseId: str(response.id), ...model };
    }
    case "response.failed": {
      const response = isObject(data.response) ? data.response : {};
      const error = isObject(response.error) ? response.error : {};
      const message = typeof error.message === "string" && error.message ? error.message : "response.failed event received";
      const code = typeof error.code === "string" ? error.code : undefined;
      return new ModelError("response_failed", message, undefined, undefined, code);
    }
    case "response.incomplete": {
      const response = isObject(data.response) ? data.response : {};
      const details = isObject(response.incomplete_details) ? response.incomplete_details : {};
      const reason = typeof details.reason === "string" ? details.reason : "unknown";
      return new ModelError("incomplete", `Incomplete response returned, reason: ${reason}`);
    }
    default:
      return undefined;
  }
}

function arrayOf<T>(value: unknown, parse: (v: unknown) => T | undefined): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const v of value) {
    const parsed = parse(v);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
