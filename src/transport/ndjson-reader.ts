// vscode-jsonrpc reader for newline-delimited JSON. Lines that are not JSON, or not a JSON-RPC
// message, are reported (the server answers them) instead of being handed to the connection.
import type { Readable } from "node:stream";
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from "vscode-jsonrpc/node";
import { ContentLengthSplitter, looksLikeContentLength, type FrameEvent } from "./content-length-splitter.js";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from "./line-splitter.js";

export type RequestId = string | number;

export interface InputProblem {
  kind: "parse" | "invalid" | "overflow";
  /** The id to answer with, when one could be read. */
  id: RequestId | null;
  message: string;
}

export interface ReaderHooks {
  /** A line that will not reach the connection; the server answers it. */
  onProblem(problem: InputProblem): void;
  /** A request (it will expect an answer) was handed to the connection. */
  onRequest?(): void;
  /** A notification dropped unanswered (notifications get no reply), e.g. a malformed cancel. */
  onIgnored?(method: string, reason: string): void;
  /** The last say before the connection takes a message: may rewrite it, or drop it (undefined). */
  admit?(message: Message): Message | undefined;
  /** The connection threw while taking a message; a request among them is answered from here. */
  onDeliveryFailed?(message: Message, error: unknown): void;
  /** Handling a line threw anywhere else (answering a problem included); the next line goes on. */
  onLineFailed?(error: unknown): void;
}

/**
 * Base of the readers: one JSON text in, one message (or one answered problem) out. Subclasses cut
 * their input into texts (lines, WebSocket frames, Content-Length bodies) and call `take`.
 */
export abstract class TextMessageReader extends AbstractMessageReader {
  constructor(protected readonly hooks: ReaderHooks) {
    super();
  }

  /** Handles one text; whatever throws costs only this text. */
  protected take(text: string, callback: DataCallback): void {
    try {
      const message = this.decode(text);
      if (message) this.deliver(message, callback);
    } catch (error) {
      this.hooks.onLineFailed?.(error);
    }
  }

  protected reportProblem(problem: InputProblem): void {
    try {
      this.hooks.onProblem(problem);
    } catch (error) {
      this.hooks.onLineFailed?.(error);
    }
  }

  /** The input ended (EOF, socket closed). */
  protected ended(): void {
    this.fireClose();
  }

  protected failed(error: Error): void {
    this.fireError(error);
  }

  private deliver(decoded: Message, callback: DataCallback): void {
    let message: Message | undefined = decoded;
    try {
      message = this.hooks.admit ? this.hooks.admit(decoded) : decoded;
      if (!message) return;
      callback(message);
    } catch (error) {
      this.hooks.onDeliveryFailed?.(message ?? decoded, error);
      return;
    }
    if ("method" in message && "id" in message) this.hooks.onRequest?.();
  }

  private decode(text: string): Message | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.hooks.onProblem({ kind: "parse", id: null, message: `Parse error: ${withoutExcerpt((e as Error).message)}` });
      return undefined;
    }
    const problem = classify(value);
    if (problem) {
      this.hooks.onProblem(problem);
      return undefined;
    }
    const message = value as Message & { jsonrpc?: string; params?: unknown };
    if (message.params === null) delete message.params;
    // vscode-jsonrpc reads `params.id` of every cancel unguarded and throws on anything else.
    if (isNotification(message, CANCEL_METHOD) && !isId((message.params as { id?: unknown } | undefined)?.id)) {
      this.hooks.onIgnored?.(CANCEL_METHOD, "params.id must be a string or a number");
      return undefined;
    }
    // Clients may omit "jsonrpc" (the reference never sends it); the connection does not mind.
    if (message.jsonrpc === undefined) message.jsonrpc = "2.0";
    return message;
  }
}

export interface NdjsonReaderOptions {
  maxLineBytes?: number;
  /**
   * Set on stdio: the first bytes decide the framing. `Content-Length:` means LSP headers (this is
   * called so replies use them too); anything else, newline-delimited JSON.
   */
  onContentLength?(): void;
}

interface Splitter {
  push(chunk: Buffer, emit: (event: FrameEvent) => void): void;
  end?(emit: (event: FrameEvent) => void): void;
}

export class NdjsonMessageReader extends TextMessageReader {
  private splitter: Splitter | undefined;
  /** Bytes read before the framing is known. */
  private undecided: Buffer[] = [];

  constructor(
    private readonly input: Readable,
    hooks: ReaderHooks,
    private readonly options: NdjsonReaderOptions = {},
  ) {
    super(hooks);
    if (!options.onContentLength) this.splitter = new LineSplitter(options.maxLineBytes);
  }

  listen(callback: DataCallback): Disposable {
    // The lines of one chunk are handled in one loop: whatever throws costs only its own line.
    const emit = (event: FrameEvent) => {
      if (event.kind === "overflow") {
        this.reportProblem({ kind: "overflow", id: null, message: `Invalid request: line exceeds ${event.limit} bytes` });
        return;
      }
      if (event.kind === "bad-header") {
        this.reportProblem({ kind: "invalid", id: null, message: event.message });
        return;
      }
      this.take(event.text, callback);
    };
    const onData = (chunk: Buffer) => {
      const splitter = this.splitter ?? this.decide(chunk);
      if (splitter) splitter.push(this.undecided.length > 0 ? this.flushUndecided() : chunk, emit);
    };
    const onEnd = () => {
      // Input that ended before its framing was clear is read as lines.
      if (!this.splitter && this.undecided.length > 0) {
        this.splitter = new LineSplitter(this.options.maxLineBytes);
        this.splitter.push(this.flushUndecided(), emit);
      }
      this.splitter?.end?.(emit);
      this.ended();
    };
    const onError = (error: Error) => this.failed(error);
    this.input.on("data", onData);
    this.input.on("end", onEnd);
    this.input.on("error", onError);
    return {
      dispose: () => {
        this.input.off("data", onData);
        this.input.off("end", onEnd);
        this.input.off("error", onError);
      },
    };
  }

  /** Keeps the chunk until the first bytes tell the framing; then the splitter for it. */
  private decide(chunk: Buffer): Splitter | undefined {
    this.undecided.push(chunk);
    const start = Buffer.concat(this.undecided);
    const lsp = looksLikeContentLength(start);
    if (lsp === undefined) return undefined;
    const max = this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (lsp) {
      this.options.onContentLength?.();
      // Whitespace before the first header is not part of it.
      const text = start.toString("latin1");
      this.undecided = [start.subarray(text.length - text.replace(/^\s+/, "").length)];
      this.splitter = new ContentLengthSplitter(max);
    } else {
      this.splitter = new LineSplitter(max);
    }
    return this.splitter;
  }

  private flushUndecided(): Buffer {
    const all = Buffer.concat(this.undecided);
    this.undecided = [];
    return all;
  }
}

const CANCEL_METHOD = "$/cancelRequest";

function isNotification(message: Message, method: string): boolean {
  return !("id" in message) && (message as { method?: unknown }).method === method;
}

function isId(value: unknown): value is RequestId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** Undefined when `value` is a request, notification or response we can hand on. */
export function classify(value: unknown): InputProblem | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", id: null, message: "Invalid request: expected a JSON object" };
  }
  const m = value as Record<string, unknown>;
  const id = isId(m.id) ? m.id : null;
  if ("method" in m) {
    if (typeof m.method !== "string") return { kind: "invalid", id, message: "Invalid request: `method` must be a string" };
    if ("id" in m && !isId(m.id)) {
      return { kind: "invalid", id: null, message: "Invalid request: `id` must be a string or a number" };
    }
    if (m.params !== undefined && m.params !== null && typeof m.params !== "object") {
      return { kind: "invalid", id, message: "Invalid request: `params` must be an object or an array" };
    }
    return undefined;
  }
  if (("result" in m || "error" in m) && (id !== null || m.id === null)) return undefined;
  return { kind: "invalid", id, message: "Invalid request: missing `method`" };
}

/**
 * V8 quotes a few characters around the bad token (`Unexpected token 'u', ..."apiKey": unquo"... is
 * not valid JSON`); the line may be a login carrying a key, and the message is logged: drop them.
 */
function withoutExcerpt(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, " (not valid JSON)");
}
