// vscode-jsonrpc writer for newline-delimited JSON: one message per line, in order. Lines written in
// the same event-loop turn go out in one stdout write (a streamed turn sends tens of thousands of
// notifications; a write call each costs a syscall and its bookkeeping; a reply ends its batch
// early), and the next batch waits for 'drain' when the pipe is full. A write error (EPIPE: the client went away) closes the writer
// and is reported once; the lifecycle turns it into a clean shutdown.
import type { Writable } from "node:stream";
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-jsonrpc/node";

export interface ProtocolOutput {
  /** Writes bytes to the protocol stream; false means wait for 'drain'. */
  write(data: string, done: (error?: Error | null) => void): boolean;
  readonly stream: Writable;
}

/** What the connection writes through, whatever the framing: one message at a time, with pacing. */
export interface ProtocolWriter extends MessageWriter {
  /** Characters written but not yet taken by the client. */
  backlog(): number;
  /** Undefined while the backlog is under `limit`; else resolves once it is read down (or closed). */
  paced(limit: number): Promise<void> | undefined;
  /** Resolves when everything written so far has reached the transport (or failed). */
  flushed(): Promise<void>;
}

interface Batch {
  lines: string[];
  bytes: number;
  done: Promise<void>;
  settle: (error?: Error | null) => void;
}

export class NdjsonMessageWriter extends AbstractMessageWriter implements ProtocolWriter {
  private batch: Batch | undefined;
  private blocked: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private lastWrite: Promise<void> = Promise.resolve();
  private failed = false;
  private pacers: { below: number; resolve: () => void }[] = [];
  private contentLength = false;

  constructor(
    private readonly output: ProtocolOutput,
    /** Sockets only: unread output beyond `chars` means the client stopped reading; `onOverflow` ends it. */
    private readonly cap?: { chars: number; onOverflow(): void },
  ) {
    super();
    output.stream.on("error", (error) => this.fail(error));
    output.stream.on("drain", () => this.wakePacers());
  }

  /** From now on each message goes out with an LSP `Content-Length` header instead of a newline. */
  useContentLength(): void {
    this.contentLength = true;
  }

  write(message: Message): Promise<void> {
    if (this.failed) return Promise.reject(new Error("protocol output is closed"));
    const json = JSON.stringify(message);
    const line = this.contentLength ? `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}` : `${json}\n`;
    if (!this.batch) {
      this.batch = this.openBatch();
      setImmediate(() => void this.flushBatch());
    }
    this.batch.lines.push(line);
    this.batch.bytes += line.length;
    const done = this.batch.done;
    if (this.cap && this.backlog() > this.cap.chars) this.cap.onOverflow();
    // A reply goes out at the end of this microtask, with the lines before it and the notifications
    // its hooks write (the client waits on it; the check phase may first run a pass of streaming
    // work), unless the pipe is full: then it waits its turn.
    else if (!("method" in message)) {
      queueMicrotask(() => {
        if (!this.blocked) void this.flushBatch();
      });
    }
    return done;
  }

  /** Characters written but not yet taken by the client (queued here or buffered by the stream). */
  backlog(): number {
    return (this.batch?.bytes ?? 0) + this.output.stream.writableLength;
  }

  /**
   * Undefined while the backlog is under `limit`; else a promise that resolves once the client has
   * read it down (or the output failed). Producers await it so a client that reads slowly slows
   * them instead of growing memory and delaying every reply behind megabytes of notifications.
   */
  paced(limit: number): Promise<void> | undefined {
    if (this.failed || this.backlog() < limit) return undefined;
    return new Promise((resolve) => this.pacers.push({ below: limit / 2, resolve }));
  }

  // Called whenever the backlog may have shrunk: after a batch is handed to the stream, on 'drain'.
  private wakePacers(): void {
    if (this.pacers.length === 0) return;
    const backlog = this.backlog();
    this.pacers = this.pacers.filter((p) => {
      if (!this.failed && backlog >= p.below) return true;
      p.resolve();
      return false;
    });
  }

  /** Resolves when everything written so far has reached the pipe (or failed). */
  async flushed(): Promise<void> {
    if (this.batch) await this.batch.done.catch(() => undefined);
    await this.lastWrite;
  }

  end(): void {}

  private openBatch(): Batch {
    let settle: Batch["settle"] = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // A batch nobody awaits must not become an unhandled rejection.
    done.catch(() => undefined);
    return { lines: [], bytes: 0, done, settle };
  }

  private async flushBatch(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    while (this.blocked) await this.blocked;
    // Another flush (a reply's, or an earlier batch's timer) took this batch while we waited: it is
    // written once, and a newer batch is left to its own flush.
    if (this.batch !== batch) return;
    // Lines that arrived while we waited for 'drain' join this write.
    this.batch = undefined;
    if (this.failed) {
      batch.settle(new Error("protocol output is closed"));
      return;
    }
    this.lastWrite = batch.done.catch(() => undefined);
    const ok = this.output.write(batch.lines.join(""), (error) => {
      if (error) this.fail(error);
      batch.settle(error);
      this.wakePacers();
    });
    if (!ok && !this.blocked) {
      this.blocked = new Promise<void>((resolve) => {
        this.release = () => {
          this.blocked = undefined;
          this.release = undefined;
          resolve();
        };
        this.output.stream.once("drain", this.release);
      });
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    // Unblock a batch waiting for a drain that will never come, and every paced producer.
    this.release?.();
    this.wakePacers();
    this.fireError(error);
    this.fireClose();
  }
}
