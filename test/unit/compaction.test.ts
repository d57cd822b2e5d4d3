// The compacted history's parts: which user messages survive, the summary's place, resume's view.
import { describe, expect, it } from "vitest";
import {
  approxTokens,
  buildCompactedHistory,
  collectUserMessages,
  estimateHistoryTokens,
  historyFromRollout,
  initialContext,
  isSummaryMessage,
  summaryText,
  truncateToTokens,
} from "../../src/core/compaction.js";
import type { ResponseItem } from "../../src/model/types.js";

const user = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const assistant = (text: string): ResponseItem => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const developer = (text: string): ResponseItem => ({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
const ENV = "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>";

describe("compacted history", () => {
  it("keeps what the user typed, not context messages, answers or earlier summaries", () => {
    const history = [developer("<permissions instructions>a"), user(ENV), user("first"), assistant("ok"), user(summaryText("old")), user("second")];
    expect(collectUserMessages(history)).toEqual(["first", "second"]);
    expect(isSummaryMessage(summaryText("x"))).toBe(true);
    expect(isSummaryMessage("x")).toBe(false);
  });

  it("starts from the newest permissions and environment context", () => {
    const history = [developer("p1"), user(ENV), user("hi"), developer("p2")];
    expect(initialContext(history)).toEqual([user(ENV), developer("p2")]);
  });

  it("is context, then the user messages oldest first, then the summary", () => {
    const out = buildCompactedHistory([developer("p")], ["a", "b"], "SUMMARY");
    expect(out).toEqual([developer("p"), user("a"), user("b"), user("SUMMARY")]);
    expect(buildCompactedHistory([], [], "").at(-1)).toEqual(user("(no summary available)"));
  });

  it("keeps the newest user messages within the token budget and cuts the one that overflows it", () => {
    const big = "word ".repeat(400); // 500 tokens
    const out = buildCompactedHistory([], ["oldest", big, "newest"], "S", 100);
    const texts = out.map((i) => (i.type === "message" && i.content[0]?.type === "input_text" ? i.content[0].text : ""));
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("tokens truncated");
    expect(texts[0]!.length).toBeLessThan(big.length);
    expect(texts.slice(1)).toEqual(["newest", "S"]);
    expect(approxTokens(truncateToTokens(big, 50))).toBeLessThan(70);
  });

  it("resumes from the last compaction's replacement history, then what followed it", () => {
    const lines = [
      { type: "response_item", payload: user("before") },
      { type: "compacted", payload: { message: "", replacement_history: [user("R")] } },
      { type: "response_item", payload: user("after") },
    ];
    expect(historyFromRollout(lines)).toEqual([user("R"), user("after")]);
  });

  it("rebuilds a compaction recorded with its summary only", () => {
    const lines = [
      { type: "response_item", payload: developer("p") },
      { type: "response_item", payload: user("q") },
      { type: "response_item", payload: assistant("long answer") },
      { type: "compacted", payload: { message: "SUM" } },
    ];
    expect(historyFromRollout(lines)).toEqual([developer("p"), user("q"), user("SUM")]);
  });
});

describe("the estimate of a compacted history (what the context meter shows until the next response)", () => {
  it("counts the instructions and each item at four bytes a token, each rounded up", () => {
    const items = [user("a"), assistant("bb")];
    const bytes = items.map((i) => Buffer.byteLength(JSON.stringify(i)));
    expect(estimateHistoryTokens("x".repeat(9), items)).toBe(3 + Math.ceil(bytes[0]! / 4) + Math.ceil(bytes[1]! / 4));
    expect(estimateHistoryTokens("", [])).toBe(0);
  });

  it("counts opaque encrypted content at 3/4 of its length less 650 bytes, never below nothing", () => {
    expect(estimateHistoryTokens("", [{ type: "compaction", encrypted_content: "E".repeat(4000) }])).toBe(Math.ceil((3000 - 650) / 4));
    expect(estimateHistoryTokens("", [{ type: "compaction", encrypted_content: "E".repeat(100) }])).toBe(0);
    const reasoning: ResponseItem = { type: "reasoning", summary: [{ type: "summary_text", text: "s".repeat(10_000) }], encrypted_content: "R".repeat(2000) };
    expect(estimateHistoryTokens("", [reasoning])).toBe(Math.ceil((1500 - 650) / 4));
  });

  it("counts an inline base64 image at a fixed size whatever its payload; an image URL as its text", () => {
    const image = (url: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_image", image_url: url }] });
    const small = estimateHistoryTokens("", [image(`data:image/png;base64,${"A".repeat(100)}`)]);
    const big = estimateHistoryTokens("", [image(`data:image/png;base64,${"A".repeat(1_000_000)}`)]);
    expect(big).toBe(small);
    const withoutPayload = Buffer.byteLength(JSON.stringify(image("data:image/png;base64,")));
    expect(small).toBe(Math.ceil((withoutPayload + 7373) / 4));
    const url = image("https://example.com/cat.png");
    expect(estimateHistoryTokens("", [url])).toBe(Math.ceil(Buffer.byteLength(JSON.stringify(url)) / 4));
  });
});
