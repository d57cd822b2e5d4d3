// The HTTP side every model wire shares: POST <base_url>/<path> and stream the SSE reply as
// ModelEvents. A WireProtocol supplies the body and reads the events; this module owns the rest,
// so both wires retry, time out, send headers, report telemetry and fail the same way.
//
// Two retry loops, as in the reference:
// - request level (silent): HTTP 5xx, 429 and connection errors before a response head are retried
//   up to provider.requestMaxRetries times, with exponential backoff or the server's Retry-After.
//   Other statuses, and a 429 that reports a spent usage limit, fail at once with ModelError("http", <body>).
// - stream level (visible): a stream that ends or breaks before it completes, goes idle for
//   provider.streamIdleTimeoutMs, or whose request retries ran out on a retryable failure, is
//   retried as a whole new request up to provider.streamMaxRetries times. Each such retry first
//   yields { type: "retrying", attempt, max, message: "Reconnecting... n/N" }.
//
// Events are yielded as soon as they are parsed. A retried attempt starts a new response from
// scratch, so everything yielded before a "retrying" event belongs to a response that will never
// complete: the consumer must drop partial items it built from them.
import type { ModelProviderInfo } from "../config/types.js";
import { logger } from "../logging/logger.js";
import { displayUrl, registerSecret, scrubSecrets } from "../logging/redact.js";
import { recordRateLimits } from "./rate-limits.js";
import { threadOriginator, type ClientOrigin } from "../originator.js";
import { threadUserAgent } from "../user-agent.js";
import { resolveAuth, type ResolvedAuth } from "./auth.js";
import { isUsageLimit } from "./failure-report.js";
import { HttpExchange } from "./http-exchange.js";
import { abortReason, backoffMs, defaultSleep, pause, retryAfterMs } from "./retry.js";
import { SseParser, type SseEvent } from "./sse.js";
import { StreamSlices } from "./stream-slices.js";
import { ModelError, type ModelClient, type ModelEvent, type ModelRequest, type TokenUsage } from "./types.js";

export interface ApiRequestReport {
  /** HTTP attempt number within one stream() call, from 1, across both retry loops. */
  attempt: number;
  /** Until the response head (or the failure). */
  durationMs: number;
  status?: number;
  error?: string;
}

export interface SseEventReport {
  /** The event's `type` (response.created, response.output_text.delta, …). */
  kind: string;
  /** Since the previous event of this response (the first: since the response head). */
  durationMs: number;
  usage?: TokenUsage;
  error?: string;
}

export interface ModelClientDeps {
  codexHome: string;
  env: NodeJS.ProcessEnv;
  onApiRequest?(r: ApiRequestReport): void;
  onSseEvent?(r: SseEventReport): void;
  /** The client that started the conversation: its originator and User-Agent go on every request. */
  origin?: ClientOrigin;
  /** Injectable for tests; must reject (or resolve promptly) when `signal` aborts. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** What one SSE event of a response meant. */
export interface DecodedEvent {
  /** For telemetry: the event's kind (response.output_text.delta, chat.completion.chunk, …). */
  kind: string;
  events: readonly ModelEvent[];
  /** Ends the stream (response.failed, an error chunk). */
  failure?: ModelError;
  /** For telemetry: why the event was skipped (undecodable JSON). */
  problem?: string;
}

/** Reads one response's events; a new one per attempt, since a retry starts from scratch. */
export interface WireDecoder {
  event(sse: SseEvent): DecodedEvent;
  /** The body ended: the events that complete the response, or undefined when it was cut short. */
  end(): readonly ModelEvent[] | undefined;
}

/** One model API: where it is, what is sent, how the reply reads. */
export interface WireProtocol {
  /** Appended to the provider's base_url. */
  path: string;
  /** The POST body, serialised once per model request and reused by its retries. */
  body(request: ModelRequest): string;
  decoder(): WireDecoder;
  /** The error of a body that ended before the response completed. */
  closedMessage: string;
}

export const NO_EVENTS: readonly ModelEvent[] = [];

/**
 * An event's JSON payload as an object, or what to report when it is none. Both wires skip an
 * undecodable payload, as the reference does: one bad line must not end the turn.
 */
export function payloadObject(sse: SseEvent): { data: Record<string, unknown> } | DecodedEvent {
  let data: unknown;
  try {
    data = JSON.parse(sse.data);
  } catch {
    return { kind: sse.event, events: NO_EVENTS, problem: "failed to parse SSE event data as JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { kind: sse.event, events: NO_EVENTS };
  return { data: data as Record<string, unknown> };
}

/** Error bodies are shown to the user; anything longer is not a message any more. */
const ERROR_BODY_LIMIT = 1 << 20;

export function createStreamingClient(provider: ModelProviderInfo, deps: ModelClientDeps, wire: WireProtocol): ModelClient {
  return { stream: (request, signal) => streamResponse(provider, deps, wire, request, signal) };
}

interface Context {
  provider: ModelProviderInfo;
  wire: WireProtocol;
  deps: ModelClientDeps;
  url: URL;
  body: string;
  auth: ResolvedAuth | undefined;
  conversationId: string;
  trace: ModelRequest["trace"];
  signal: AbortSignal;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  httpAttempts: number;
}

async function* streamResponse(
  provider: ModelProviderInfo,
  deps: ModelClientDeps,
  wire: WireProtocol,
  request: ModelRequest,
  signal: AbortSignal,
): AsyncGenerator<ModelEvent, void, undefined> {
  if (signal.aborted) throw abortReason(signal);
  const url = providerUrl(provider, wire.path);
  const body = wire.body(request);
  const auth = await resolveAuth(provider, deps);
  // auth.json is read per request: a token that appeared since start-up must not reach a log either.
  registerSecret(auth?.token);
  if (signal.aborted) throw abortReason(signal);
  const ctx: Context = {
    provider,
    wire,
    deps,
    url,
    body,
    auth,
    conversationId: request.conversationId,
    trace: request.trace,
    signal,
    sleep: deps.sleep ?? defaultSleep,
    httpAttempts: 0,
  };
  const max = provider.streamMaxRetries;
  for (let retry = 0; ; retry++) {
    let failure: ModelError;
    try {
      yield* streamOnce(ctx);
      return;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (!(error instanceof ModelError) || !streamRetryable(error)) throw error;
      failure = error;
    }
    if (retry >= max) throw failure;
    const attempt = retry + 1;
    logger().warn({ provider: provider.id, attempt, max, error: failure.message }, "model stream failed; reconnecting");
    yield { type: "retrying", attempt, max, message: `Reconnecting... ${attempt}/${max}` };
    await pause(ctx.sleep, backoffMs(attempt), signal);
  }
}

function streamRetryable(error: ModelError): boolean {
  switch (error.kind) {
    case "stream_closed":
    case "idle_timeout":
    case "network":
      return true;
    case "http":
      return error.status !== undefined && requestRetryable(error.status, error.body);
    default:
      return false;
  }
}

function requestRetryable(status: number, body: string | undefined): boolean {
  return (status === 429 && !isUsageLimit(status, body)) || status >= 500;
}

/** One response: open it (with request-level retries), then yield its events until it completes. */
async function* streamOnce(ctx: Context): AsyncGenerator<ModelEvent, void, undefined> {
  const exchange = await openWithRetries(ctx);
  const { signal } = ctx;
  const report = ctx.deps.onSseEvent;
  const parser = new SseParser();
  const decoder = ctx.wire.decoder();
  const slices = new StreamSlices();
  let completed = false;
  let last = report ? performance.now() : 0;
  try {
    for (let chunk = await exchange.read(); chunk !== undefined; chunk = await exchange.read()) {
      // Every chunk and event waits its turn: see stream-slices.ts.
      let turn = slices.next();
      if (turn) await turn;
      for (const sse of parser.push(chunk)) {
        turn = slices.next();
        if (turn) await turn;
        const decoded = decoder.event(sse);
        if (report) last = reportSse(report, last, decoded.kind, decoded.failure?.message ?? decoded.problem, usageOf(decoded.events));
        if (decoded.failure) throw decoded.failure;
        for (const event of decoded.events) {
          if (event.type === "completed") {
            completed = true; // set before yielding: the consumer may stop right there
            yield event;
            return;
          }
          yield event;
          if (signal.aborted) throw abortReason(signal);
        }
      }
    }
    for (const event of decoder.end() ?? NO_EVENTS) {
      if (event.type === "completed") completed = true;
      yield event;
      if (completed) return;
    }
    throw new ModelError("stream_closed", ctx.wire.closedMessage);
  } finally {
    parser.end();
    exchange.close(completed);
  }
}

function usageOf(events: readonly ModelEvent[]): TokenUsage | undefined {
  const last = events[events.length - 1];
  return last?.type === "completed" ? last.usage : undefined;
}

function reportSse(report: (r: SseEventReport) => void, last: number, kind: string, error?: string, usage?: TokenUsage): number {
  const now = performance.now();
  const r: SseEventReport = { kind, durationMs: now - last };
  if (error !== undefined) r.error = scrubSecrets(error);
  if (usage !== undefined) r.usage = usage;
  safeCall(report, r);
  return now;
}

async function openWithRetries(ctx: Context): Promise<HttpExchange> {
  for (let retry = 0; ; retry++) {
    const outcome = await sendOnce(ctx, ++ctx.httpAttempts);
    if (outcome.ok) return outcome.exchange;
    if (retry >= ctx.provider.requestMaxRetries) throw outcome.error;
    const delay = outcome.retryAfterMs ?? backoffMs(retry + 1);
    logger().debug({ provider: ctx.provider.id, status: outcome.error.status, retry: retry + 1, delay }, "model request failed; retrying");
    await pause(ctx.sleep, delay, ctx.signal);
  }
}

type SendOutcome = { ok: true; exchange: HttpExchange } | { ok: false; error: ModelError; retryAfterMs?: number };

/** One HTTP attempt up to its response head. Returns request-retryable failures; throws the rest. */
async function sendOnce(ctx: Context, attempt: number): Promise<SendOutcome> {
  const onApiRequest = ctx.deps.onApiRequest;
  const started = performance.now();
  let exchange: HttpExchange;
  try {
    exchange = new HttpExchange({
      url: ctx.url,
      headers: requestHeaders(ctx),
      body: ctx.body,
      signal: ctx.signal,
      idleTimeoutMs: ctx.provider.streamIdleTimeoutMs,
    });
  } catch (error) {
    // Node refused the request itself (say a header value it cannot send): retrying cannot help.
    const message = `failed to build the model request: ${errorText(error)}`;
    if (onApiRequest) safeCall(onApiRequest, { attempt, durationMs: 0, error: scrubSecrets(message) });
    throw new ModelError("http", message);
  }
  let res;
  try {
    res = await exchange.response();
  } catch (error) {
    if (onApiRequest) safeCall(onApiRequest, { attempt, durationMs: performance.now() - started, error: scrubSecrets(errorText(error)) });
    if (error instanceof ModelError && error.kind === "network") return { ok: false, error };
    throw error; // the abort reason, or an idle timeout (a stream-level failure)
  }
  const durationMs = performance.now() - started;
  const status = res.statusCode ?? 0;
  recordRateLimits(res.headers);
  if (status >= 200 && status < 300) {
    if (onApiRequest) safeCall(onApiRequest, { attempt, durationMs, status });
    return { ok: true, exchange };
  }
  let text = "";
  try {
    text = await exchange.readText(ERROR_BODY_LIMIT);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // A body cut short still leaves the status to act on.
  } finally {
    exchange.close(false);
  }
  // Telemetry exports this: an error body may echo a key back.
  if (onApiRequest) safeCall(onApiRequest, { attempt, durationMs, status, error: text ? scrubSecrets(text) : `HTTP ${status}` });
  const error = new ModelError("http", text || `unexpected status ${status}`, status, text || undefined);
  if (!requestRetryable(status, text)) throw error;
  const retryAfter = retryAfterMs(res.headers);
  return retryAfter === undefined ? { ok: false, error } : { ok: false, error, retryAfterMs: retryAfter };
}

/** Built per attempt: originator and user-agent can change when a client initializes. */
function requestHeaders(ctx: Context): Record<string, string> {
  const headers = modelHeaders(ctx.provider, ctx.deps.env, ctx.auth, ctx.conversationId, "text/event-stream", ctx.deps.origin);
  if (ctx.trace) {
    headers.traceparent = ctx.trace.traceparent;
    if (ctx.trace.tracestate) headers.tracestate = ctx.trace.tracestate;
  }
  return headers;
}

/** The headers of any request to a model provider (also the non-streaming ones, e.g. /responses/compact). */
export function modelHeaders(
  provider: ModelProviderInfo,
  env: NodeJS.ProcessEnv,
  auth: ResolvedAuth | undefined,
  conversationId: string,
  accept: string,
  origin?: ClientOrigin,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept,
    originator: threadOriginator(origin, env),
    "user-agent": threadUserAgent(env, origin),
    session_id: conversationId,
    conversation_id: conversationId,
  };
  if (auth) {
    headers.authorization = `Bearer ${auth.token}`;
    if (auth.accountId) headers["chatgpt-account-id"] = auth.accountId;
  }
  // Lower-cased so a configured header replaces ours instead of being sent beside it.
  for (const [name, value] of Object.entries(provider.httpHeaders)) headers[name.toLowerCase()] = value;
  for (const [name, variable] of Object.entries(provider.envHttpHeaders)) {
    const value = env[variable];
    if (value) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** `<base_url>/<path>` plus the provider's query parameters. */
export function providerUrl(provider: ModelProviderInfo, path: string): URL {
  let url: URL;
  try {
    url = new URL(provider.baseUrl);
  } catch {
    throw new ModelError("http", `invalid base_url for model provider ${provider.id}: ${displayUrl(provider.baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ModelError("http", `unsupported base_url scheme for model provider ${provider.id}: ${displayUrl(provider.baseUrl)}`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${path}`;
  for (const [name, value] of Object.entries(provider.queryParams)) url.searchParams.append(name, value);
  return url;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Telemetry hooks must never break a turn.
function safeCall<T>(hook: (r: T) => void, r: T): void {
  try {
    hook(r);
  } catch (error) {
    logger().debug({ error: errorText(error) }, "model client report hook threw");
  }
}
