// vscode-jsonrpc writer for newline-delimited JSON: one message per line, in order, waiting for
// 'drain' when the pipe is full. A write error (EPIPE: the client went away) closes the writer and
// is reported once; the lifecycle turns it into a clean shutdown.
import type { Writable } from "node:stream";
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-jsonrpc/node";

export interface ProtocolOutput {
  /** Writes bytes to the protocol stream; false means wait for 'drain'. */
  write(data: string, done: (error?: Error | null) => void): boolean;
  readonly stream: Writable;
}

export class NdjsonMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private blocked: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private lastWrite: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly output: ProtocolOutput) {
    super();
    output.stream.on("error", (error) => this.fail(error));
  }

  async write(message: Message): Promise<void> {
    const data = `${JSON.stringify(message)}\n`;
    while (this.blocked) await this.blocked;
    if (this.failed) throw new Error("protocol output is closed");
    const written = new Promise<void>((resolve, reject) => {
      const ok = this.output.write(data, (error) => {
        if (error) {
          this.fail(error);
          reject(error);
        } else {
          resolve();
        }
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
    });
    this.lastWrite = written.catch(() => undefined);
    return written;
  }

  /** Resolves when everything written so far has reached the pipe (or failed). */
  flushed(): Promise<void> {
    return this.lastWrite;
  }

  end(): void {}

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    // Unblock writers waiting for a drain that will never come.
    this.release?.();
    this.fireError(error);
    this.fireClose();
  }
}
