// Splits a byte stream into lines at LF, before any UTF-8 decoding, so a character split across
// chunks stays whole. One trailing CR is stripped. A line longer than the cap is dropped, reported
// once as soon as it crosses the cap, and its remaining bytes are skipped up to the next LF.

export type LineEvent = { kind: "line"; text: string } | { kind: "overflow"; limit: number };

export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: Buffer, emit: (event: LineEvent) => void): void {
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end), emit);
      if (newline === -1) return;
      this.finishLine(emit);
      start = newline + 1;
    }
  }

  /** At end of input, a last line without LF still counts. */
  end(emit: (event: LineEvent) => void): void {
    if (this.size > 0) this.finishLine(emit);
    this.discarding = false;
  }

  private take(piece: Buffer, emit: (event: LineEvent) => void): void {
    if (piece.length === 0 || this.discarding) return;
    if (this.size + piece.length > this.maxLineBytes) {
      this.parts = [];
      this.size = 0;
      this.discarding = true;
      emit({ kind: "overflow", limit: this.maxLineBytes });
      return;
    }
    // Copy: the chunk's memory belongs to the stream.
    this.parts.push(Buffer.from(piece));
    this.size += piece.length;
  }

  private finishLine(emit: (event: LineEvent) => void): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    let line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    const text = line.toString("utf8");
    if (text.trim() !== "") emit({ kind: "line", text });
  }
}
