// JSON-RPC over one WebSocket: one message per text frame, both ways. A binary frame is answered
// with an Invalid request error (the connection goes on); a frame over the listener's cap is
// refused by `ws` itself (close 1009). The writer counts what `ws` has not yet handed to the
// kernel, so pacing works as on stdio, and closes a client whose unread output passes a hard cap.
import type WebSocket from "ws";
import { AbstractMessageWriter, type DataCallback, type Disposable, type Message } from "vscode-jsonrpc/node";
import { TextMessageReader, type ReaderHooks } from "./ndjson-reader.js";
import type { ProtocolWriter } from "./ndjson-writer.js";

export class WsMessageReader extends TextMessageReader {
  constructor(
    private readonly socket: WebSocket,
    hooks: ReaderHooks,
  ) {
    super(hooks);
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) {
        this.reportProblem({ kind: "invalid", id: null, message: "Invalid request: binary frames are not accepted; send each JSON-RPC message as a text frame" });
        return;
      }
      this.take(rawText(data), callback);
    };
    const onClose = () => this.ended();
    const onError = (error: Error) => this.failed(error);
    this.socket.on("message", onMessage);
    this.socket.on("close", onClose);
    this.socket.on("error", onError);
    return {
      dispose: () => {
        this.socket.off("message", onMessage);
        this.socket.off("close", onClose);
        this.socket.off("error", onError);
      },
    };
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

export class WsMessageWriter extends AbstractMessageWriter implements ProtocolWriter {
  /** Characters handed to `ws` and not yet written to the socket. */
  private pending = 0;
  private closed = false;
  private pacers: { below: number; resolve: () => void }[] = [];
  private flushWaiters: (() => void)[] = [];
  private corked = false;
  /** Which cork the pending uncork is for: a reply may have uncorked early and a later write corked again. */
  private corks = 0;

  constructor(
    private readonly socket: WebSocket,
    /** Unread output beyond which the client counts as stuck and is disconnected. */
    private readonly hardLimit: number,
  ) {
    super();
    socket.on("close", () => this.fail(new Error("WebSocket closed")));
  }

  write(message: Message): Promise<void> {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return Promise.reject(new Error("protocol output is closed"));
    const text = JSON.stringify(message);
    this.pending += text.length;
    if (this.pending > this.hardLimit) {
      // Pacing bounds turn output; whatever else piles up this far means the client stopped reading.
      this.socket.close(1008, "client too slow: unread output over the limit");
      this.fail(new Error("client too slow"));
      return Promise.reject(new Error("protocol output is closed"));
    }
    this.corkForThisTick();
    const sent = new Promise<void>((resolve, reject) => {
      this.socket.send(text, (error) => {
        this.pending -= text.length;
        this.wake();
        if (error) {
          this.fail(error);
          reject(error);
        } else resolve();
      });
    });
    // A reply goes out at the end of this microtask, with what was corked before it and the
    // notifications its hooks write (order kept): the client waits on it, and the check phase
    // may first run a pass of streaming work.
    if (!("method" in message)) queueMicrotask(() => this.uncork());
    return sent;
  }

  backlog(): number {
    return this.pending;
  }

  paced(limit: number): Promise<void> | undefined {
    if (this.closed || this.pending < limit) return undefined;
    return new Promise((resolve) => this.pacers.push({ below: limit / 2, resolve }));
  }

  flushed(): Promise<void> {
    if (this.closed || this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  end(): void {}

  /**
   * A streamed turn sends thousands of frames per event-loop turn; `ws` writes each on its own.
   * Corking the TCP socket until the next turn sends them in one writev, as the stdio writer
   * batches its lines.
   */
  private corkForThisTick(): void {
    if (this.corked) return;
    const raw = this.rawSocket();
    if (!raw) return;
    this.corked = true;
    raw.cork();
    const cork = ++this.corks;
    setImmediate(() => {
      if (cork === this.corks) this.uncork();
    });
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    const raw = this.rawSocket();
    if (raw && !raw.destroyed) raw.uncork();
  }

  private rawSocket(): { cork(): void; uncork(): void; destroyed: boolean } | undefined {
    return (this.socket as unknown as { _socket?: { cork(): void; uncork(): void; destroyed: boolean } })._socket;
  }

  private wake(): void {
    if (this.pacers.length > 0) {
      this.pacers = this.pacers.filter((p) => {
        if (!this.closed && this.pending >= p.below) return true;
        p.resolve();
        return false;
      });
    }
    if ((this.closed || this.pending === 0) && this.flushWaiters.length > 0) {
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const w of waiters) w();
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    this.fireError(error);
    this.fireClose();
  }
}
