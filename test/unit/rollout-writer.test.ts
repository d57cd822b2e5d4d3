import { appendFileSync, existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rolloutFileName, rolloutPathFor } from "../../src/rollout/paths.js";
import { readRollout } from "../../src/rollout/reader.js";
import { RolloutError, type SessionMeta } from "../../src/rollout/types.js";
import { RolloutWriter } from "../../src/rollout/writer.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmpHome = useTempDirs(afterEach, "rollout-w-");

const ID = "019abcde-0123-7456-89ab-0123456789ab";

function meta(id = ID): SessionMeta {
  return {
    id,
    timestamp: "2026-01-05T10:11:12.345Z",
    cwd: "/work",
    originator: "my_ide",
    cli_version: "0.90.0",
    source: "vscode",
    model_provider: "openai",
    base_instructions: { text: "be helpful" },
  };
}

function fileLines(p: string): unknown[] {
  return readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

describe("rollout paths", () => {
  it("names files and day directories in local time", () => {
    const created = new Date(2026, 0, 5, 7, 8, 9);
    expect(rolloutFileName(ID, created)).toBe(`rollout-2026-01-05T07-08-09-${ID}.jsonl`);
    expect(rolloutPathFor("/h", ID, created)).toBe(`/h/sessions/2026/01/05/rollout-2026-01-05T07-08-09-${ID}.jsonl`);
  });

  it("refuses an id that is not a UUID (it becomes part of a path)", () => {
    expect(() => rolloutFileName("../../etc/passwd", new Date())).toThrow(TypeError);
  });
});

describe("RolloutWriter", () => {
  it("creates the dated path with session_meta first, durable before resolving", async () => {
    const home = tmpHome();
    const created = new Date(2026, 0, 5, 10, 11, 12);
    const w = await RolloutWriter.create(home, meta(), created);
    expect(w.path).toBe(path.join(home, "sessions", "2026", "01", "05", `rollout-2026-01-05T10-11-12-${ID}.jsonl`));
    // Already on disk, before any flush.
    const raw = readFileSync(w.path, "utf8");
    expect(raw.endsWith("\n")).toBe(true);
    const [first] = fileLines(w.path) as [{ timestamp: string; type: string; payload: SessionMeta }];
    expect(Object.keys(first)).toEqual(["timestamp", "type", "payload"]);
    expect(first.type).toBe("session_meta");
    expect(first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(first.payload).toEqual(meta());
    await w.close();
  });

  it("appends queued lines in order and flush() puts them on disk", async () => {
    const home = tmpHome();
    const w = await RolloutWriter.create(home, meta());
    for (let i = 0; i < 2000; i++) w.write(i % 2 ? "event_msg" : "response_item", { n: i });
    await w.flush();
    // Read behind the writer's back, file still open: everything queued before flush is there.
    const lines = fileLines(w.path) as { type: string; payload: { n: number } }[];
    expect(lines).toHaveLength(2001);
    expect(lines.slice(1).map((l) => l.payload.n)).toEqual([...Array(2000).keys()]);
    expect(lines[2]?.type).toBe("event_msg");
    w.write("turn_context", { cwd: "/work" });
    await w.flush();
    expect(fileLines(w.path)).toHaveLength(2002);
    await w.close();
  });

  it("records a payload as it was when written, and an undefined payload as null", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta());
    const payload = { text: "before" };
    w.write("event_msg", payload);
    payload.text = "after";
    w.write("compacted", undefined);
    await w.close();
    const lines = fileLines(w.path) as { payload: unknown }[];
    expect(lines[1]?.payload).toEqual({ text: "before" });
    expect(lines[2]?.payload).toBeNull();
  });

  it("refuses to create over an existing file", async () => {
    const home = tmpHome();
    const created = new Date(2026, 0, 5, 10, 11, 12);
    const w = await RolloutWriter.create(home, meta(), created);
    await w.close();
    await expect(RolloutWriter.create(home, meta(), created)).rejects.toMatchObject({ code: "io" });
    expect(fileLines(w.path)).toHaveLength(1);
  });

  it("close() flushes; write() after close throws", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta());
    w.write("event_msg", { type: "agent_message", message: "hi" });
    await w.close();
    await w.close();
    expect(fileLines(w.path)).toHaveLength(2);
    expect(() => w.write("event_msg", {})).toThrow(RolloutError);
  });

  it("reopen() appends after the existing lines and never rewrites them", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta());
    w.write("event_msg", { n: 1 });
    await w.close();
    const before = readFileSync(w.path, "utf8");
    const again = await RolloutWriter.reopen(w.path);
    expect(again.path).toBe(w.path);
    again.write("event_msg", { n: 2 });
    await again.close();
    const after = readFileSync(w.path, "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect((fileLines(w.path) as { payload: { n?: number } }[]).map((l) => l.payload.n)).toEqual([undefined, 1, 2]);
  });

  it("reopen() after a torn last line keeps the new line whole", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta());
    w.write("event_msg", { n: 1 });
    await w.close();
    appendFileSync(w.path, '{"timestamp":"2026-01-05T10:11:13.000Z","type":"event_ms');
    const sizeTorn = statSync(w.path).size;
    const again = await RolloutWriter.reopen(w.path);
    again.write("event_msg", { n: 2 });
    await again.close();
    expect(statSync(w.path).size).toBeGreaterThan(sizeTorn);
    const contents = await readRollout(w.path);
    expect(contents.lines.map((l) => (l.payload as { n: number }).n)).toEqual([1, 2]);
    expect(contents.skipped).toBe(1); // the torn line, now in the middle
    expect(contents.torn).toBe(false);
  });

  it("reopen() of a missing file is not_found and creates nothing", async () => {
    const p = path.join(tmpHome(), "sessions", `rollout-2026-01-05T10-11-12-${ID}.jsonl`);
    await expect(RolloutWriter.reopen(p)).rejects.toMatchObject({ code: "not_found" });
    expect(() => statSync(p)).toThrow();
  });

  it.runIf(existsSync("/dev/full"))("reports write failures on flush and keeps the lines queued", async () => {
    const w = await RolloutWriter.reopen("/dev/full"); // every write fails with ENOSPC
    w.write("event_msg", { n: 1 });
    await expect(w.flush()).rejects.toMatchObject({ code: "io" });
    w.write("event_msg", { n: 2 });
    await expect(w.flush()).rejects.toMatchObject({ code: "io", message: expect.stringContaining("ENOSPC") });
    await expect(w.close()).rejects.toMatchObject({ code: "io" });
  });
});
