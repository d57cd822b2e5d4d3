// Remote compaction: POST <base_url>/responses/compact { model, input, instructions } and read the
// JSON reply, whose `output` is the history to continue from (OpenAI's servers summarise it
// themselves, partly as an opaque `compaction` item). Only for the OpenAI provider, as the reference.
import type { ModelProviderInfo } from "../config/types.js";
import { registerSecret, scrubSecrets } from "../logging/redact.js";
import { resolveAuth } from "./auth.js";
import { isUsageLimit } from "./failure-report.js";
import { HttpExchange } from "./http-exchange.js";
import { backoffMs, defaultSleep, pause } from "./retry.js";
import { modelHeaders, providerUrl, type ModelClientDeps } from "./streaming-client.js";
import { ModelError, type ResponseItem } from "./types.js";
import { isObject, parseResponseItem, toWireItem } from "./wire.js";

export interface CompactRequest {
  model: string;
  instructions: string;
  input: readonly ResponseItem[];
  conversationId: string;
}

export type RemoteCompactor = (request: CompactRequest, signal: AbortSignal) => Promise<ResponseItem[]>;

/** A compacted history is small; anything past this is not one. */
const BODY_LIMIT = 64 * 1024 * 1024;

/** Whether the reference compacts remotely for this provider: the one it calls OpenAI, unless `[features] remote_compaction = false`. */
export function usesRemoteCompaction(provider: ModelProviderInfo, table: Record<string, unknown>): boolean {
  const features = isObject(table.features) ? table.features : {};
  return provider.name === "OpenAI" && provider.wireApi === "responses" && features.remote_compaction !== false;
}

export function createRemoteCompactor(provider: ModelProviderInfo, deps: ModelClientDeps): RemoteCompactor {
  return async (request, signal) => {
    const url = providerUrl(provider, "responses/compact");
    const body = JSON.stringify({ model: request.model, input: request.input.map(toWireItem), instructions: request.instructions });
    const auth = await resolveAuth(provider, deps);
    registerSecret(auth?.token);
    const sleep = deps.sleep ?? defaultSleep;
    for (let retry = 0; ; retry++) {
      const headers = modelHeaders(provider, deps.env, auth, request.conversationId, "application/json", deps.origin);
      const started = performance.now();
      const outcome = await postOnce(url, headers, body, provider, signal);
      // Telemetry (codex.api_request) as for any model request; an error body may echo a key back.
      const report = "output" in outcome ? { status: outcome.status } : { ...(outcome.error.status ? { status: outcome.error.status } : {}), error: scrubSecrets(outcome.error.message) };
      try {
        deps.onApiRequest?.({ attempt: retry + 1, durationMs: performance.now() - started, ...report });
      } catch {
        // Telemetry hooks must never break a turn.
      }
      if ("output" in outcome) return outcome.output;
      if (!outcome.retryable || retry >= provider.requestMaxRetries) throw outcome.error;
      await pause(sleep, backoffMs(retry + 1), signal);
    }
  };
}

type Outcome = { output: ResponseItem[]; status: number } | { error: ModelError; retryable: boolean };

async function postOnce(url: URL, headers: Record<string, string>, body: string, provider: ModelProviderInfo, signal: AbortSignal): Promise<Outcome> {
  let exchange: HttpExchange;
  try {
    exchange = new HttpExchange({ url, headers, body, signal, idleTimeoutMs: provider.streamIdleTimeoutMs });
  } catch (error) {
    throw new ModelError("http", `failed to build the compaction request: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    let status: number;
    let text: string;
    try {
      status = (await exchange.response()).statusCode ?? 0;
      text = await exchange.readText(BODY_LIMIT);
    } catch (error) {
      if (signal.aborted || !(error instanceof ModelError)) throw error;
      return { error, retryable: true };
    }
    if (status < 200 || status >= 300) {
      const error = new ModelError("http", text || `unexpected status ${status}`, status, text || undefined);
      return { error, retryable: (status === 429 && !isUsageLimit(status, text)) || status >= 500 };
    }
    return { output: parseOutput(text), status };
  } finally {
    exchange.close(false);
  }
}

function parseOutput(text: string): ResponseItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ModelError("response_failed", "the compaction response is not JSON");
  }
  if (!isObject(parsed) || !Array.isArray(parsed.output)) throw new ModelError("response_failed", "the compaction response has no output");
  return parsed.output.map(parseResponseItem).filter((item): item is ResponseItem => item !== undefined);
}
