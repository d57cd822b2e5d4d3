// LSP base-protocol framing: `Content-Length: N\r\n` (other headers ignored) `\r\n`, then N bytes of
// JSON. Bodies are cut from the byte stream before UTF-8 decoding. A body over the cap is skipped
// and reported once; a header block without a usable Content-Length is reported and dropped.
import type { LineEvent } from "./line-splitter.js";

export type FrameEvent = LineEvent | { kind: "bad-header"; message: string };

const HEADER_END = Buffer.from("\r\n\r\n");
/** A header block longer than this is not LSP framing. */
const MAX_HEADER_BYTES = 8 * 1024;

export class ContentLengthSplitter {
  private buffered: Buffer = Buffer.alloc(0);
  /** Bytes of the current body still to read (or to skip when `skipping`). */
  private bodyLeft: number | undefined;
  private skipping = false;

  constructor(private readonly maxBodyBytes: number) {}

  push(chunk: Buffer, emit: (event: FrameEvent) => void): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (this.bodyLeft === undefined) {
        const end = this.buffered.indexOf(HEADER_END);
        if (end < 0) {
          if (this.buffered.length > MAX_HEADER_BYTES) {
            this.buffered = Buffer.alloc(0);
            emit({ kind: "bad-header", message: `Invalid request: LSP header block over ${MAX_HEADER_BYTES} bytes` });
          }
          return;
        }
        const headers = this.buffered.subarray(0, end).toString("latin1");
        this.buffered = this.buffered.subarray(end + HEADER_END.length);
        const length = /(?:^|\r\n)content-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(headers)?.[1];
        if (length === undefined) {
          emit({ kind: "bad-header", message: "Invalid request: LSP header block without a Content-Length" });
          continue;
        }
        this.bodyLeft = Number(length);
        this.skipping = this.bodyLeft > this.maxBodyBytes;
        if (this.skipping) emit({ kind: "overflow", limit: this.maxBodyBytes });
      }
      if (this.skipping) {
        const skipped = Math.min(this.bodyLeft, this.buffered.length);
        this.bodyLeft -= skipped;
        this.buffered = this.buffered.subarray(skipped);
        if (this.bodyLeft > 0) return;
        this.bodyLeft = undefined;
        this.skipping = false;
        continue;
      }
      if (this.buffered.length < this.bodyLeft) return;
      const body = this.buffered.subarray(0, this.bodyLeft).toString("utf8");
      // Copy what follows: the chunk's memory belongs to the stream.
      this.buffered = Buffer.from(this.buffered.subarray(this.bodyLeft));
      this.bodyLeft = undefined;
      if (body.trim() !== "") emit({ kind: "line", text: body });
    }
  }
}

/** True when the first bytes of a stream (leading whitespace skipped) start an LSP header. */
export function looksLikeContentLength(start: Buffer): boolean | undefined {
  const text = start.toString("latin1").replace(/^\s+/, "");
  const prefix = "content-length:";
  if (text.length === 0) return undefined;
  const head = text.slice(0, prefix.length).toLowerCase();
  if (!prefix.startsWith(head)) return false;
  return head.length === prefix.length ? true : undefined;
}
