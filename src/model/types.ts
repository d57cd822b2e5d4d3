// The model layer's contract: Responses API items as they travel in requests and responses, and
// the events a model client streams to the turn loop. Other modules code against these shapes.

export type ContentItem =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string }
  | { type: "output_text"; text: string };

export type ResponseItem =
  | { type: "message"; id?: string; role: "user" | "assistant" | "developer" | "system"; content: ContentItem[] }
  | {
      type: "reasoning";
      id?: string;
      summary: { type: "summary_text"; text: string }[];
      content?: { type: "reasoning_text"; text: string }[];
      encrypted_content?: string | null;
    }
  | { type: "function_call"; id?: string; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string }
  /** A call of a freeform (custom) tool: `input` is the raw text the model wrote (apply_patch). */
  | { type: "custom_tool_call"; id?: string; call_id: string; name: string; input: string }
  | { type: "custom_tool_call_output"; call_id: string; output: string }
  /** What /responses/compact returns in place of the history it summarised: opaque to us, sent back as is. */
  | { type: "compaction"; encrypted_content: string };

export type ToolSpec =
  | { type: "function"; name: string; description: string; strict: boolean; parameters: Record<string, unknown> }
  /** A freeform tool whose input follows a grammar (the Responses API's custom tools). */
  | { type: "custom"; name: string; description: string; format: { type: "grammar"; syntax: "lark"; definition: string } };

export interface TokenUsage {
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

export interface ModelRequest {
  model: string;
  instructions: string;
  input: ResponseItem[];
  tools: ToolSpec[];
  reasoning?: { effort?: string; summary?: string } | null;
  /** Sent as the session_id / conversation_id headers and as prompt_cache_key. */
  conversationId: string;
  include?: string[];
  /** JSON Schema the final answer must follow (turn/start and sendUserTurn outputSchema). */
  outputSchema?: unknown;
  /** config model_max_output_tokens: a cap on the tokens one response may generate. */
  maxOutputTokens?: number;
  /** W3C trace context of the model-request span: sent as the traceparent/tracestate headers. */
  trace?: { traceparent: string; tracestate?: string };
}

export type ModelEvent =
  | { type: "created" }
  | { type: "output_item_added"; item: ResponseItem }
  | { type: "output_text_delta"; itemId: string; delta: string }
  | { type: "reasoning_summary_part_added"; itemId: string; summaryIndex: number }
  | { type: "reasoning_summary_delta"; itemId: string; delta: string; summaryIndex: number }
  | { type: "reasoning_text_delta"; itemId: string; delta: string; contentIndex: number }
  | { type: "output_item_done"; item: ResponseItem }
  | { type: "completed"; responseId: string; /** The model that answered, when the API says. */ model?: string; usage?: TokenUsage }
  /** The stream is about to be retried as a new response: what this attempt streamed is void (v1 stream_error). */
  | { type: "retrying"; attempt: number; max: number; message: string };

export type ModelErrorKind = "http" | "stream_closed" | "idle_timeout" | "network" | "response_failed" | "incomplete" | "auth";

export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status?: number,
    readonly body?: string,
    /** The API's error code (`error.code` of a body or of response.failed), e.g. context_length_exceeded. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "ModelError";
  }
}

/**
 * What kind of failure ended a turn, as the reference tells clients (its CodexErrorInfo). Protocol
 * faces spell it on the wire; `httpStatusCode` only where the reference carries one.
 */
export type FailureKind =
  | { kind: "contextWindowExceeded" | "usageLimitExceeded" | "internalServerError" | "unauthorized" | "badRequest" | "other" }
  | { kind: "httpConnectionFailed" | "responseStreamDisconnected" | "responseTooManyFailedAttempts"; httpStatusCode: number | null };

export interface ModelClient {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
