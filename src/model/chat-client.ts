// The Chat Completions client (`wire_api = "chat"`): POST <base_url>/chat/completions, read by
// ChatStreamDecoder. Transport, retries, headers and telemetry are the shared streaming client's.
import type { ModelProviderInfo } from "../config/types.js";
import { buildChatRequestBody } from "./chat-request.js";
import { ChatStreamDecoder } from "./chat-stream.js";
import { createStreamingClient, type ModelClientDeps, type WireProtocol } from "./streaming-client.js";
import type { ModelClient } from "./types.js";

export const CHAT_STREAM_CLOSED_MESSAGE = "stream disconnected before completion: stream closed before finish_reason or [DONE]";

export const CHAT_WIRE: WireProtocol = {
  path: "chat/completions",
  body: buildChatRequestBody,
  decoder: () => new ChatStreamDecoder(),
  closedMessage: CHAT_STREAM_CLOSED_MESSAGE,
};

export function createChatClient(provider: ModelProviderInfo, deps: ModelClientDeps): ModelClient {
  return createStreamingClient(provider, deps, CHAT_WIRE);
}
