import { describe, expect, it } from "vitest";
import { LineSplitter, type LineEvent } from "../../src/transport/line-splitter.js";

function feed(splitter: LineSplitter, chunks: Buffer[], end = false): LineEvent[] {
  const events: LineEvent[] = [];
  for (const chunk of chunks) splitter.push(chunk, (e) => events.push(e));
  if (end) splitter.end((e) => events.push(e));
  return events;
}

const lines = (events: LineEvent[]) => events.map((e) => (e.kind === "line" ? e.text : `<overflow ${e.limit}>`));

describe("LineSplitter", () => {
  it("splits several lines in one chunk and keeps a partial line for later", () => {
    const s = new LineSplitter();
    expect(lines(feed(s, [Buffer.from('{"a":1}\n{"b":2}\n{"c"')]))).toEqual(['{"a":1}', '{"b":2}']);
    expect(lines(feed(s, [Buffer.from(":3}\n")]))).toEqual(['{"c":3}']);
  });

  it("strips one CR before LF", () => {
    expect(lines(feed(new LineSplitter(), [Buffer.from("one\r\ntwo\r\r\n")]))).toEqual(["one", "two\r"]);
  });

  it("keeps a UTF-8 character whole when its bytes arrive in different chunks", () => {
    const bytes = Buffer.from("héllo → wörld\n", "utf8");
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(lines(feed(new LineSplitter(), chunks))).toEqual(["héllo → wörld"]);
  });

  it("skips blank lines", () => {
    expect(lines(feed(new LineSplitter(), [Buffer.from("\n  \n\r\nx\n")]))).toEqual(["x"]);
  });

  it("reports an oversized line once, drops it, and reads the next line", () => {
    const s = new LineSplitter(10);
    const events = feed(s, [Buffer.from("0123456789"), Buffer.from("abcdef"), Buffer.from("ghij\nok\n")]);
    expect(lines(events)).toEqual(["<overflow 10>", "ok"]);
  });

  it("accepts a line of exactly the cap", () => {
    expect(lines(feed(new LineSplitter(4), [Buffer.from("abcd\n")]))).toEqual(["abcd"]);
  });

  it("emits a last line without LF at end of input", () => {
    expect(lines(feed(new LineSplitter(), [Buffer.from("a\nb")], true))).toEqual(["a", "b"]);
  });
});
