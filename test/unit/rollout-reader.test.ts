import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isoSeconds, readRollout, summarize, summarizeHead } from "../../src/rollout/reader.js";
import type { RolloutLine, SessionMeta } from "../../src/rollout/types.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmpFile(text: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "rollout-r-"));
  dirs.push(d);
  const p = path.join(d, "rollout-2026-01-05T10-11-12-019abcde-0123-7456-89ab-0123456789ab.jsonl");
  writeFileSync(p, text);
  return p;
}

const META: SessionMeta = {
  id: "019abcde-0123-7456-89ab-0123456789ab",
  timestamp: "2026-01-05T10:11:12.345Z",
  cwd: "/work",
  originator: "my_ide",
  cli_version: "0.90.0",
  source: "vscode",
  model_provider: "openai",
  git: { commit_hash: "abc123", branch: "main" },
};

const line = (type: string, payload: unknown): string => `${JSON.stringify({ timestamp: "2026-01-05T10:11:13.000Z", type, payload })}\n`;
const userItem = (text: string): string => line("response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] });
const userEvent = (message: string): string => line("event_msg", { type: "user_message", message, images: [] });
const assistant = (text: string): string => line("response_item", { type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const context = (): string =>
  line("response_item", { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions instructions>x" }] }) +
  userItem("# AGENTS.md instructions for /work\n\n<INSTRUCTIONS>…</INSTRUCTIONS>") +
  userItem("<environment_context>\n  <cwd>/work</cwd>\n</environment_context>");

const asLines = (text: string): RolloutLine[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RolloutLine);

describe("readRollout", () => {
  it("returns the meta and the lines after it", async () => {
    const p = tmpFile(line("session_meta", META) + context() + userItem("hello") + userEvent("hello"));
    const c = await readRollout(p);
    expect(c.meta).toEqual(META);
    expect(c.lines).toHaveLength(5);
    expect(c.lines[4]?.payload).toMatchObject({ type: "user_message" });
    expect(c.skipped).toBe(0);
    expect(c.torn).toBe(false);
  });

  it("drops a torn last line without counting it, and counts other bad lines", async () => {
    const p = tmpFile(line("session_meta", META) + "not json\n" + userEvent("hi") + '{"timestamp":"2026-01-05T10:1');
    const c = await readRollout(p);
    expect(c.lines).toHaveLength(1);
    expect(c.skipped).toBe(1);
    expect(c.torn).toBe(true);
  });

  it("reads lines longer than its read chunk", async () => {
    const big = "x".repeat(3 * 1024 * 1024 + 7);
    const p = tmpFile(line("session_meta", META) + userEvent(big) + userEvent("é".repeat(100_000)));
    const c = await readRollout(p);
    expect((c.lines[0]?.payload as { message: string }).message).toBe(big);
    expect((c.lines[1]?.payload as { message: string }).message).toBe("é".repeat(100_000));
  });

  it("fails on a missing file (not_found) and on a file without session_meta (io)", async () => {
    await expect(readRollout("/nonexistent/rollout.jsonl")).rejects.toMatchObject({ code: "not_found" });
    await expect(readRollout(tmpFile(userEvent("hi")))).rejects.toMatchObject({ code: "io" });
  });
});

describe("summarize", () => {
  const mtime = new Date("2026-11-24T00:17:49.796Z");

  it("builds the summary from the meta, the first user_message and the mtime", async () => {
    const p = tmpFile(line("session_meta", META) + context() + userItem("fix the bug") + userEvent("fix the bug") + assistant("ok") + userEvent("second"));
    const s = summarize(p, await readRollout(p), mtime);
    expect(s).toEqual({
      originator: META.originator,
      forkedFromId: null,
      conversationId: META.id,
      path: p,
      preview: "fix the bug",
      timestamp: "2026-01-05T10:11:12.345Z",
      updatedAt: "2026-11-24T00:17:49Z",
      modelProvider: "openai",
      cwd: "/work",
      cliVersion: "0.90.0",
      source: "vscode",
      gitInfo: { sha: "abc123", branch: "main", origin_url: null },
    });
  });

  it("truncates nothing and prefers the user_message event", () => {
    const long = "y".repeat(5000);
    const contents = { meta: { ...META, git: null }, lines: asLines(userItem("item text") + userEvent(long)), skipped: 0, torn: false };
    const s = summarize("/p", contents, mtime);
    expect(s?.preview).toBe(long);
    expect(s?.gitInfo).toBeNull();
  });

  it("falls back to the first real response_item user message when there are no events", () => {
    const contents = { meta: META, lines: asLines(context() + userItem("<user_instructions>u</user_instructions>") + userItem("from history") + assistant("a") + userItem("later")), skipped: 0, torn: false };
    expect(summarize("/p", contents, mtime)?.preview).toBe("from history");
  });

  it("is undefined without a user message", () => {
    const contents = { meta: META, lines: asLines(context() + assistant("a")), skipped: 0, torn: false };
    expect(summarize("/p", contents, mtime)).toBeUndefined();
  });

  it("summarizeHead agrees with summarize, and skips files without meta or user message", async () => {
    const p = tmpFile(line("session_meta", META) + context() + userItem("q") + userEvent("q") + '{"torn');
    const head = await summarizeHead(p);
    expect(head?.preview).toBe("q");
    expect(head).toEqual(summarize(p, await readRollout(p), new Date(Date.parse(head?.updatedAt ?? ""))));
    expect(await summarizeHead(tmpFile(line("session_meta", META) + context()))).toBeUndefined();
    expect(await summarizeHead(tmpFile(userEvent("no meta")))).toBeUndefined();
    expect(await summarizeHead("/nonexistent")).toBeUndefined();
  });

  it("formats mtimes to the second", () => {
    expect(isoSeconds(new Date("2026-11-24T00:17:49.999Z"))).toBe("2026-11-24T00:17:49Z");
  });
});
