// Which client speaks to a provider: its `wire_api` decides.
import type { ModelProviderInfo } from "../config/types.js";
import { createChatClient } from "./chat-client.js";
import { createResponsesClient } from "./responses-client.js";
import type { ModelClientDeps } from "./streaming-client.js";
import type { ModelClient } from "./types.js";

export function createModelClient(provider: ModelProviderInfo, deps: ModelClientDeps): ModelClient {
  return provider.wireApi === "chat" ? createChatClient(provider, deps) : createResponsesClient(provider, deps);
}
