// Incremental Server-Sent Events parser (WHATWG "event stream interpretation"): bytes in, events
// out. Chunks may split anywhere, including inside a UTF-8 sequence or between CR and LF. The work
// per chunk is linear in its size: an unterminated line is kept as a list of pieces and joined once
// when its terminator arrives, never re-concatenated per chunk.

export interface SseEvent {
  /** The `event:` field, "message" when the event had none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last event id seen on this stream ("" when none). */
  id: string;
}

const LF = 10;
const SPACE = 32;
const BOM = 0xfeff;
const STREAM = { stream: true } as const;

export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  /** Pieces of the current line whose terminator has not arrived yet. */
  private readonly partial: string[] = [];
  /** The previous chunk ended with CR: an LF opening the next one belongs to that CR. */
  private skipLF = false;
  private started = false;
  private eventType = "";
  private readonly dataLines: string[] = [];
  private lastEventId = "";
  /** The last valid `retry:` value, in ms (we reconnect on our own schedule; kept for callers). */
  retryMs: number | undefined;

  /** Feeds the next chunk; returns the events it completed, in order. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, STREAM);
    const out: SseEvent[] = [];
    const n = text.length;
    if (n === 0) return out;
    let pos = 0;
    if (!this.started) {
      this.started = true;
      // TextDecoder already drops a leading BOM from bytes; strings need it done here.
      if (text.charCodeAt(0) === BOM) pos = 1;
    }
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(pos) === LF) pos++;
    }
    // Next LF / CR positions, searched natively and only re-searched once passed.
    let lf = text.indexOf("\n", pos);
    let cr = text.indexOf("\r", pos);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : lf < cr ? lf : cr;
      let line = text.slice(pos, end);
      if (this.partial.length > 0) {
        this.partial.push(line);
        line = this.partial.join("");
        this.partial.length = 0;
      }
      pos = end + 1;
      if (end === cr) {
        if (pos === n) this.skipLF = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      const event = this.line(line);
      if (event) out.push(event);
    }
    if (pos < n) this.partial.push(pos === 0 ? text : text.slice(pos));
    return out;
  }

  /** The stream ended: an event not closed by a blank line is dropped, per the SSE rules. */
  end(): void {
    this.decoder.decode();
    this.partial.length = 0;
    this.dataLines.length = 0;
    this.eventType = "";
    this.skipLF = false;
  }

  private line(line: string): SseEvent | undefined {
    if (line.length === 0) return this.dispatch();
    const colon = line.indexOf(":");
    if (colon === 0) return undefined; // comment
    // The hot path: `data:` lines, recognised without slicing out the field name.
    if (colon === 4 && line.startsWith("data")) {
      this.dataLines.push(fieldValue(line, colon));
      return undefined;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : fieldValue(line, colon);
    switch (field) {
      case "data":
        this.dataLines.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const lines = this.dataLines;
    const type = this.eventType;
    this.eventType = "";
    if (lines.length === 0) return undefined; // no data field: nothing to dispatch
    const data = lines.length === 1 ? lines[0]! : lines.join("\n");
    lines.length = 0;
    return { event: type === "" ? "message" : type, data, id: this.lastEventId };
  }
}

function fieldValue(line: string, colon: number): string {
  const start = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
  return line.slice(start);
}
