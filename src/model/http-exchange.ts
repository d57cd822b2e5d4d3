// One HTTP attempt of a streaming POST: headers, then the body chunk by chunk with backpressure.
// It owns the two ways an attempt ends early, the idle timer and the abort signal, and turns
// every failure into what the caller throws: the abort reason, or a ModelError of the right kind.
import http from "node:http";
import https from "node:https";
import { displayUrl } from "../logging/redact.js";
import { abortReason } from "./retry.js";
import { ModelError } from "./types.js";

export interface ExchangeOptions {
  url: URL;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Silence allowed while we wait for headers or for the next chunk. */
  idleTimeoutMs: number;
}

export const IDLE_MESSAGE = "stream disconnected before completion: idle timeout waiting for SSE";
/** How long a completed response may take to end before its socket is dropped instead of reused. */
const DRAIN_GRACE_MS = 1_000;
/** Chunks queued before the socket is paused: a slow consumer must not buffer the whole stream. */
const HIGH_WATER = 16;

const ABORTED = Symbol("aborted");
const CLOSED = Symbol("closed");
type Failure = typeof ABORTED | typeof CLOSED | ModelError | Error;

export class HttpExchange {
  private readonly req: http.ClientRequest;
  private res: http.IncomingMessage | undefined;
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private failure: Failure | undefined;
  private waiter: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly headersReady: Promise<http.IncomingMessage>;
  private rejectHeaders: ((reason: unknown) => void) | undefined;

  /** Throws synchronously when Node refuses the request (e.g. an invalid header value). */
  constructor(private readonly opts: ExchangeOptions) {
    const send = opts.url.protocol === "https:" ? https.request : http.request;
    this.req = send(opts.url, {
      method: "POST",
      headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
    });
    this.headersReady = new Promise((resolve, reject) => {
      this.rejectHeaders = reject;
      this.req.on("response", (res) => {
        this.rejectHeaders = undefined;
        this.attach(res);
        resolve(res);
      });
    });
    this.headersReady.catch(() => {}); // observed through response(); never unhandled
    // Registered for the whole life of the request: a late socket error must not crash the process.
    this.req.on("error", (error) => this.fail(error));
    this.timer = setTimeout(this.onIdle, opts.idleTimeoutMs);
    opts.signal.addEventListener("abort", this.onAbort);
    this.req.end(opts.body);
    if (opts.signal.aborted) this.fail(ABORTED);
  }

  /** The response head. Rejects with the abort reason, ModelError("idle_timeout") or ModelError("network"). */
  async response(): Promise<http.IncomingMessage> {
    try {
      return await this.headersReady;
    } catch {
      throw this.failureAsError("network");
    }
  }

  /** The next body chunk, undefined at the end. Throws the abort reason or a retryable ModelError. */
  async read(): Promise<Buffer | undefined> {
    for (;;) {
      if (this.failure === ABORTED) throw abortReason(this.opts.signal);
      // Chunks that arrived before a connection error still count (they may hold response.completed).
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        if (this.res?.isPaused() && this.chunks.length < HIGH_WATER / 2) this.res.resume();
        return chunk;
      }
      if (this.failure !== undefined) throw this.failureAsError("stream_closed");
      if (this.ended) return undefined;
      this.timer.refresh(); // idle time counts from when we start waiting
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  /** The whole body as text, up to `limit` bytes (error bodies). */
  async readText(limit: number): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    for (let chunk = await this.read(); chunk !== undefined && size < limit; chunk = await this.read()) {
      parts.push(chunk);
      size += chunk.length;
    }
    return Buffer.concat(parts).subarray(0, limit).toString("utf8");
  }

  /**
   * Releases the attempt. After a completed response the rest of the body is drained so the
   * keep-alive socket can be reused; otherwise the request is torn down.
   */
  close(completed: boolean): void {
    clearTimeout(this.timer);
    this.opts.signal.removeEventListener("abort", this.onAbort);
    if (this.failure !== undefined || this.ended) return;
    const res = this.res;
    if (completed && res) {
      this.chunks.length = 0;
      res.removeAllListeners("data");
      const drop = setTimeout(() => res.destroy(), DRAIN_GRACE_MS).unref();
      res.once("end", () => clearTimeout(drop));
      res.resume();
      return;
    }
    this.fail(CLOSED);
  }

  private attach(res: http.IncomingMessage): void {
    this.res = res;
    res.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      if (this.chunks.length >= HIGH_WATER) res.pause();
      this.wake();
    });
    res.on("end", () => {
      this.ended = true;
      this.wake();
    });
    res.on("error", (error) => this.fail(error));
    res.on("close", () => {
      if (!this.ended) this.fail(new Error("connection closed before the response ended"));
    });
  }

  private readonly onIdle = (): void => {
    // While the consumer is busy with earlier chunks the silence is ours, not the server's.
    if (this.res && this.waiter === undefined) return;
    this.fail(new ModelError("idle_timeout", IDLE_MESSAGE));
  };

  private readonly onAbort = (): void => this.fail(ABORTED);

  private fail(failure: Failure): void {
    if (this.failure !== undefined) return;
    this.failure = failure;
    clearTimeout(this.timer);
    this.opts.signal.removeEventListener("abort", this.onAbort);
    this.rejectHeaders?.(failure);
    this.req.destroy();
    this.res?.destroy();
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }

  private failureAsError(kind: "network" | "stream_closed"): unknown {
    const failure = this.failure;
    if (failure === ABORTED) return abortReason(this.opts.signal);
    if (failure instanceof ModelError) return failure;
    const detail = failure instanceof Error ? failure.message : "request closed";
    return kind === "network"
      ? // Never the full URL: query_params and userinfo may hold credentials.
        new ModelError("network", `error sending request for url (${displayUrl(this.opts.url)}): ${detail}`)
      : new ModelError("stream_closed", `stream disconnected before completion: ${detail}`);
  }
}
