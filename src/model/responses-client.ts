// The Responses API client: POST <base_url>/responses and read its typed SSE events
// (response.output_text.delta, response.completed, …). Transport, retries and telemetry are the
// shared streaming client's.
import type { ModelProviderInfo } from "../config/types.js";
import type { SseEvent } from "./sse.js";
import {
  createStreamingClient,
  NO_EVENTS,
  payloadObject,
  providerUrl,
  type DecodedEvent,
  type ModelClientDeps,
  type WireDecoder,
  type WireProtocol,
} from "./streaming-client.js";
import { ModelError, type ModelClient } from "./types.js";
import { buildRequestBody, mapSseEvent } from "./wire.js";

export type { ApiRequestReport, ModelClientDeps, SseEventReport } from "./streaming-client.js";

export const STREAM_CLOSED_MESSAGE = "stream disconnected before completion: stream closed before response.completed";

const responsesDecoder: WireDecoder = {
  event(sse: SseEvent): DecodedEvent {
    const payload = payloadObject(sse);
    if (!("data" in payload)) return payload;
    const { data } = payload;
    const kind = typeof data.type === "string" ? data.type : sse.event;
    const event = mapSseEvent(kind, data);
    if (event === undefined) return { kind, events: NO_EVENTS };
    if (event instanceof ModelError) return { kind, events: NO_EVENTS, failure: event };
    return { kind, events: [event] };
  },
  // response.completed is the only end: a body that stops without it was cut short.
  end: () => undefined,
};

export const RESPONSES_WIRE: WireProtocol = {
  path: "responses",
  body: buildRequestBody,
  // Stateless: every attempt can share it.
  decoder: () => responsesDecoder,
  closedMessage: STREAM_CLOSED_MESSAGE,
};

export function createResponsesClient(provider: ModelProviderInfo, deps: ModelClientDeps): ModelClient {
  return createStreamingClient(provider, deps, RESPONSES_WIRE);
}

/** `<base_url>/responses` plus the provider's query parameters. */
export function responsesUrl(provider: ModelProviderInfo): URL {
  return providerUrl(provider, RESPONSES_WIRE.path);
}
