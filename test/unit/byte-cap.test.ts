// ByteCap: what command/exec keeps (or streams) of one output stream under its byte cap.
import { describe, expect, it } from "vitest";
import { ByteCap } from "../../src/workspace/byte-cap.js";

const b = (s: string) => Buffer.from(s);

describe("ByteCap", () => {
  it("keeps everything under the cap and flags nothing", () => {
    const cap = new ByteCap(10);
    expect(cap.take(b("abc"))).toEqual({ bytes: b("abc"), capReached: false });
    expect(cap.take(b("defghij"))).toEqual({ bytes: b("defghij"), capReached: false });
    expect(cap.text()).toBe("abcdefghij");
  });

  it("cuts the chunk that crosses the cap, flags it once, then drops the rest", () => {
    const cap = new ByteCap(5);
    expect(cap.take(b("abc"))).toEqual({ bytes: b("abc"), capReached: false });
    expect(cap.take(b("defg"))).toEqual({ bytes: b("de"), capReached: true });
    expect(cap.take(b("more"))).toBeNull();
    expect(cap.text()).toBe("abcde");
  });

  it("a stream exactly at the cap is flagged when more output arrives", () => {
    const cap = new ByteCap(3);
    expect(cap.take(b("abc"))).toEqual({ bytes: b("abc"), capReached: false });
    expect(cap.take(b("d"))).toEqual({ bytes: b(""), capReached: true });
  });

  it("decodes invalid UTF-8 (and a character the cap cut) as U+FFFD", () => {
    const cap = new ByteCap(3);
    cap.take(Buffer.from([0xff, 0x61]));
    cap.take(b("é!")); // 0xc3 0xa9: the cap keeps only 0xc3
    expect(cap.text()).toBe("\uFFFDa\uFFFD");
  });

  it("without keep, only counts: nothing is held for the result", () => {
    const cap = new ByteCap(null, false);
    expect(cap.take(b("streamed"))).toEqual({ bytes: b("streamed"), capReached: false });
    expect(cap.text()).toBe("");
  });
});
