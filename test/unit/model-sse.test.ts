import { describe, expect, it } from "vitest";
import { SseParser, type SseEvent } from "../../src/model/sse.js";

const enc = new TextEncoder();

function parseAll(chunks: (string | Uint8Array)[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...parser.push(typeof c === "string" ? enc.encode(c) : c));
  parser.end();
  return out;
}

/** Every way of cutting `bytes` in two, plus one byte at a time: all must parse the same. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const ways: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push(Array.from(bytes, (_b, i) => bytes.subarray(i, i + 1)));
  return ways;
}

describe("SseParser", () => {
  it("parses event, data and id fields; a blank line dispatches", () => {
    expect(parseAll(["event: response.created\ndata: {\"a\":1}\nid: 7\n\n"])).toEqual([
      { event: "response.created", data: '{"a":1}', id: "7" },
    ]);
  });

  it("defaults the event name to message and keeps the last id across events", () => {
    expect(parseAll(["id: 1\ndata: a\n\ndata: b\n\n"])).toEqual([
      { event: "message", data: "a", id: "1" },
      { event: "message", data: "b", id: "1" },
    ]);
  });

  it("joins multi-line data with LF", () => {
    expect(parseAll(["data: one\ndata: two\ndata:\ndata: four\n\n"])[0]?.data).toBe("one\ntwo\n\nfour");
  });

  it("strips exactly one space after the colon", () => {
    expect(parseAll(["data:x\n\ndata:  y\n\n"]).map((e) => e.data)).toEqual(["x", " y"]);
  });

  it("handles a field line without a colon as an empty value", () => {
    expect(parseAll(["data\n\n"])).toEqual([{ event: "message", data: "", id: "" }]);
    expect(parseAll(["event\ndata: x\n\n"])[0]?.event).toBe("message");
  });

  it("ignores comments, unknown fields and blank lines without data", () => {
    expect(parseAll([": keep-alive\n\n:another\nfoo: bar\n\nevent: x\n\ndata: y\n\n"])).toEqual([{ event: "message", data: "y", id: "" }]);
  });

  it("resets the event name after each dispatch, even without data", () => {
    expect(parseAll(["event: a\n\ndata: 1\n\n"])).toEqual([{ event: "message", data: "1", id: "" }]);
  });

  it("accepts LF, CRLF and CR line endings, mixed", () => {
    const expected = [
      { event: "e1", data: "1", id: "" },
      { event: "e2", data: "2", id: "" },
      { event: "e3", data: "3", id: "" },
    ];
    expect(parseAll(["event: e1\r\ndata: 1\r\n\r\nevent: e2\rdata: 2\r\revent: e3\ndata: 3\n\n"])).toEqual(expected);
  });

  it("parses the same however the bytes are split (UTF-8 characters and CRLF included)", () => {
    const text = "event: d\r\ndata: héllo ✓ 😀\r\n\r\n: c\rdata: a\rdata: b\r\rdata: ünï\n\n";
    const bytes = enc.encode(text);
    const whole = parseAll([bytes]);
    expect(whole).toEqual([
      { event: "d", data: "héllo ✓ 😀", id: "" },
      { event: "message", data: "a\nb", id: "" },
      { event: "message", data: "ünï", id: "" },
    ]);
    for (const way of splits(bytes)) expect(parseAll(way)).toEqual(whole);
  });

  it("treats CR then LF in the next chunk as one line ending, not two", () => {
    // Two terminators would make a blank line and dispatch "a" before "b" is added.
    expect(parseAll(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("keeps the CR/LF pairing across empty chunks", () => {
    expect(parseAll([enc.encode("data: x\r"), new Uint8Array(0), "", enc.encode("\ndata: y\n\n")])).toEqual([
      { event: "message", data: "x\ny", id: "" },
    ]);
  });

  it("drops a final event that has no terminating blank line", () => {
    expect(parseAll(["data: a\n\ndata: b\n"])).toEqual([{ event: "message", data: "a", id: "" }]);
    expect(parseAll(["data: a\n\ndata: b"])).toEqual([{ event: "message", data: "a", id: "" }]);
  });

  it("ignores an id containing NUL and records retry", () => {
    const parser = new SseParser();
    const events = parser.push(enc.encode("id: 5\n\nid: a\0b\ndata: x\nretry: 250\nretry: nope\n\n"));
    expect(events.map((e) => e.id)).toEqual(["5"]);
    expect(parser.retryMs).toBe(250);
  });

  it("strips a leading BOM (bytes and strings)", () => {
    expect(parseAll([new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("data: x\n\n")])])).toEqual([{ event: "message", data: "x", id: "" }]);
    const parser = new SseParser();
    expect(parser.push("\ufeffdata: y\n\n")).toEqual([{ event: "message", data: "y", id: "" }]);
  });

  it("accepts string chunks", () => {
    const parser = new SseParser();
    expect(parser.push("data: a")).toEqual([]);
    expect(parser.push("bc\n")).toEqual([]);
    expect(parser.push("\n")).toEqual([{ event: "message", data: "abc", id: "" }]);
  });

  it("replaces invalid UTF-8 instead of failing", () => {
    expect(parseAll([new Uint8Array([...enc.encode("data: a"), 0xff, ...enc.encode("b\n\n")])])[0]?.data).toBe("a\ufffdb");
  });

  it("assembles a long line split over many chunks in linear time", () => {
    const payload = "x".repeat(4 * 1024 * 1024);
    const bytes = enc.encode(`data: ${payload}\n\n`);
    const parser = new SseParser();
    const out: SseEvent[] = [];
    const started = performance.now();
    for (let i = 0; i < bytes.length; i += 1024) out.push(...parser.push(bytes.subarray(i, i + 1024)));
    const ms = performance.now() - started;
    expect(out).toHaveLength(1);
    expect(out[0]!.data.length).toBe(payload.length);
    // 4096 chunks; quadratic concatenation would copy ~8 GB here.
    expect(ms).toBeLessThan(2000);
  });

  it("parses 50,000 small events quickly", () => {
    const one = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_1","delta":"hi "}\n\n';
    const bytes = enc.encode(one.repeat(50_000));
    const parser = new SseParser();
    let count = 0;
    const started = performance.now();
    for (let i = 0; i < bytes.length; i += 65536) count += parser.push(bytes.subarray(i, i + 65536)).length;
    expect(count).toBe(50_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
