import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { findRolloutPath, listConversations, parseCursor } from "../../src/rollout/listing.js";
import { archivedDir, rolloutPathFor } from "../../src/rollout/paths.js";
import type { SessionMeta } from "../../src/rollout/types.js";
import { RolloutWriter } from "../../src/rollout/writer.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmpHome = useTempDirs(afterEach, "rollout-l-");

/** A UUIDv7 whose time is `at`, the rest random. */
function uuidv7(at: Date): string {
  const hex = at.getTime().toString(16).padStart(12, "0") + randomBytes(10).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function meta(id: string, created: Date, provider = "openai"): SessionMeta {
  return { id, timestamp: created.toISOString(), cwd: "/work", originator: "my_ide", cli_version: "0.90.0", source: "vscode", model_provider: provider };
}

interface Made {
  id: string;
  path: string;
}

async function session(home: string, created: Date, opts: { provider?: string; user?: string | null; id?: string } = {}): Promise<Made> {
  const id = opts.id ?? uuidv7(created);
  const w = await RolloutWriter.create(home, meta(id, created, opts.provider), created);
  w.write("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: "<environment_context></environment_context>" }] });
  const user = opts.user === undefined ? `hello from ${id}` : opts.user;
  if (user !== null) {
    w.write("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: user }] });
    w.write("event_msg", { type: "user_message", message: user, images: [] });
    w.write("event_msg", { type: "agent_message", message: "hi" });
  }
  await w.close();
  return { id, path: w.path };
}

const day = (d: number, h = 12, m = 0, s = 0): Date => new Date(2026, 0, d, h, m, s);

describe("listConversations", () => {
  it("lists newest first by file-name time, then id, with the summary fields", async () => {
    const home = tmpHome();
    const a = await session(home, day(3, 9));
    const b = await session(home, day(5, 8));
    const c = await session(home, day(4, 23, 59, 59));
    // Two in the same second: the larger id first.
    const d1 = await session(home, day(5, 8), { id: "019b0000-0000-7000-8000-000000000001" });
    const d2 = await session(home, day(5, 8), { id: "019b0000-0000-7000-8000-000000000002" });
    const page = await listConversations(home, {});
    const same = [b, d1, d2].sort((x, y) => (x.id < y.id ? 1 : -1));
    expect(page.items.map((i) => i.conversationId)).toEqual([...same.map((x) => x.id), c.id, a.id]);
    expect(page.nextCursor).toBeNull();
    const first = page.items.find((i) => i.conversationId === a.id);
    expect(first).toMatchObject({ path: a.path, preview: `hello from ${a.id}`, timestamp: day(3, 9).toISOString(), modelProvider: "openai", cwd: "/work", cliVersion: "0.90.0", source: "vscode", gitInfo: null });
    expect(first?.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("pages with cursors across several days and years", async () => {
    const home = tmpHome();
    const made: Made[] = [];
    for (const when of [new Date(2025, 11, 31, 23, 0, 0), day(1, 1), day(1, 2), day(2, 5), day(2, 6), day(10, 0), new Date(2026, 1, 1, 0, 0, 0)]) {
      made.push(await session(home, when));
    }
    const expected = [...made].reverse().map((m) => m.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    const cursors: string[] = [];
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<typeof listConversations>> = await listConversations(home, { pageSize: 2, cursor });
      seen.push(...page.items.map((x) => x.conversationId));
      if (page.nextCursor === null) break;
      cursors.push(page.nextCursor);
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expected);
    expect(cursors[0]).toBe(`2026-01-10T00-00-00|${made[5]?.id}`);
    expect(cursors).toHaveLength(3);

    // A full last page still gets a cursor, which leads to an empty page.
    const exact = await listConversations(home, { pageSize: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.nextCursor).not.toBeNull();
    expect(await listConversations(home, { pageSize: 7, cursor: exact.nextCursor })).toEqual({ items: [], nextCursor: null });
  });

  it("filters on model provider (an empty list means all)", async () => {
    const home = tmpHome();
    const a = await session(home, day(1), { provider: "openai" });
    const b = await session(home, day(2), { provider: "other" });
    const c = await session(home, day(3), { provider: "third" });
    const ids = async (modelProviders: string[] | null): Promise<string[]> =>
      (await listConversations(home, { modelProviders })).items.map((i) => i.conversationId);
    expect(await ids(["other"])).toEqual([b.id]);
    expect(await ids(["openai", "third"])).toEqual([c.id, a.id]);
    expect(await ids([])).toEqual([c.id, b.id, a.id]);
    expect(await ids(null)).toEqual([c.id, b.id, a.id]);
    expect(await ids(["nobody"])).toEqual([]);
  });

  it("filters on source when asked (the reference lists only cli and vscode sessions)", async () => {
    const home = tmpHome();
    const a = await session(home, day(1));
    const w = await RolloutWriter.create(home, { ...meta(uuidv7(day(2)), day(2)), source: "exec" }, day(2));
    w.write("event_msg", { type: "user_message", message: "from exec" });
    await w.close();
    expect((await listConversations(home, { sources: ["cli", "vscode"] })).items.map((i) => i.conversationId)).toEqual([a.id]);
    expect((await listConversations(home, {})).items).toHaveLength(2);
  });

  it("fills a page past filtered-out and message-less sessions", async () => {
    const home = tmpHome();
    const keep: Made[] = [];
    for (let i = 1; i <= 20; i++) {
      const s = await session(home, day(i), { provider: i % 3 === 0 ? "openai" : "other", user: i % 2 === 0 ? null : undefined });
      if (i % 3 === 0 && i % 2 === 1) keep.push(s);
    }
    const page = await listConversations(home, { pageSize: 2, modelProviders: ["openai"] });
    expect(page.items.map((i) => i.conversationId)).toEqual([keep[2]?.id, keep[1]?.id]);
    const rest = await listConversations(home, { pageSize: 2, modelProviders: ["openai"], cursor: page.nextCursor });
    expect(rest.items.map((i) => i.conversationId)).toEqual([keep[0]?.id]);
    expect(rest.nextCursor).toBeNull();
  });

  it("skips sessions without a user message", async () => {
    const home = tmpHome();
    await session(home, day(1), { user: null });
    expect(await listConversations(home, {})).toEqual({ items: [], nextCursor: null });
  });

  it("still lists a session whose last line is torn", async () => {
    const home = tmpHome();
    const s = await session(home, day(1));
    appendFileSync(s.path, '{"timestamp":"2026-01-01T12:00:01.000Z","type":"event_msg","payload":{"type":"agent_mess');
    const page = await listConversations(home, {});
    expect(page.items.map((i) => i.conversationId)).toEqual([s.id]);
  });

  it("ignores stray files and directories", async () => {
    const home = tmpHome();
    const s = await session(home, day(1));
    const sessions = path.join(home, "sessions");
    writeFileSync(path.join(sessions, "2026", "01", "01", "notes.txt"), "x");
    writeFileSync(path.join(sessions, "2026", "01", "01", "rollout-garbage.jsonl"), "x");
    mkdirSync(path.join(sessions, "tmp"));
    writeFileSync(path.join(sessions, "2026", "README"), "x");
    expect((await listConversations(home, {})).items.map((i) => i.conversationId)).toEqual([s.id]);
  });

  it("rejects a malformed cursor", async () => {
    const home = tmpHome();
    for (const bad of ["garbage", "", "2026-01-01T00-00-00", "2026-01-01T00-00-00|nope", "2026-02-30T00-00-00|019b0000-0000-7000-8000-000000000001", "2026-01-01T00:00:00|019b0000-0000-7000-8000-000000000001", "a|b|c"]) {
      await expect(listConversations(home, { cursor: bad })).rejects.toMatchObject({ code: "invalid_cursor", message: `invalid cursor: ${bad}` });
    }
    expect(parseCursor("2026-01-01T00-00-00|019B0000-0000-7000-8000-000000000001")).toEqual({ stamp: "2026-01-01T00-00-00", id: "019b0000-0000-7000-8000-000000000001" });
  });

  it("lists an empty or missing CODEX_HOME as empty", async () => {
    expect(await listConversations(path.join(tmpHome(), "nope"), {})).toEqual({ items: [], nextCursor: null });
  });

  it("lists archived_sessions when asked, and not in the normal listing", async () => {
    const home = tmpHome();
    const a = await session(home, day(1));
    const b = await session(home, day(2));
    const c = await session(home, day(3));
    mkdirSync(archivedDir(home));
    for (const s of [a, c]) renameSync(s.path, path.join(archivedDir(home), path.basename(s.path)));
    expect((await listConversations(home, {})).items.map((i) => i.conversationId)).toEqual([b.id]);
    const archived = await listConversations(home, { archived: true, pageSize: 1 });
    expect(archived.items.map((i) => i.conversationId)).toEqual([c.id]);
    expect(archived.items[0]?.path).toBe(path.join(archivedDir(home), path.basename(c.path)));
    const next = await listConversations(home, { archived: true, pageSize: 1, cursor: archived.nextCursor });
    expect(next.items.map((i) => i.conversationId)).toEqual([a.id]);
  });
});

describe("findRolloutPath", () => {
  it("finds a session by id under sessions/ only", async () => {
    const home = tmpHome();
    const a = await session(home, day(1));
    const b = await session(home, day(2));
    expect(await findRolloutPath(home, a.id)).toBe(a.path);
    expect(await findRolloutPath(home, b.id.toUpperCase())).toBe(b.path);
    expect(await findRolloutPath(home, "019b0000-0000-7000-8000-000000000009")).toBeUndefined();
    expect(await findRolloutPath(home, "../../etc")).toBeUndefined();
    mkdirSync(archivedDir(home));
    renameSync(a.path, path.join(archivedDir(home), path.basename(a.path)));
    expect(await findRolloutPath(home, a.id)).toBeUndefined();
  });

  it("finds ids whose time does not match their directory (v4 ids, or files made on another day)", async () => {
    const home = tmpHome();
    const v4 = await session(home, day(4), { id: "2f1c3b1e-7a55-4c8e-9d0b-5e6f7a8b9c0d" });
    const off = await session(home, day(9), { id: uuidv7(new Date(2025, 5, 1)) });
    expect(await findRolloutPath(home, v4.id)).toBe(v4.path);
    expect(await findRolloutPath(home, off.id)).toBe(off.path);
  });
});

describe("listing speed", () => {
  const home = mkdtempSync(path.join(os.tmpdir(), "rollout-speed-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("lists page 1 of 2,000 sessions", async () => {
    // Realistic heads: a long base_instructions in the meta, the injected context, then a turn.
    const instructions = "You are a coding agent. ".repeat(900);
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const created = new Date(2025, 0, 1 + Math.floor(i / 20), 8, 0, i % 20);
      const id = uuidv7(created);
      ids.push(id);
      const file = rolloutPathFor(home, id, created);
      mkdirSync(path.dirname(file), { recursive: true });
      const ts = created.toISOString();
      const l = (type: string, payload: unknown): string => `${JSON.stringify({ timestamp: ts, type, payload })}\n`;
      writeFileSync(
        file,
        l("session_meta", { ...meta(id, created), base_instructions: { text: instructions } }) +
          l("response_item", { type: "message", role: "developer", content: [{ type: "input_text", text: "<permissions instructions>…" }] }) +
          l("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: "# AGENTS.md instructions for /work\n…" }] }) +
          l("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: "<environment_context>…</environment_context>" }] }) +
          l("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: `task ${i}` }] }) +
          l("event_msg", { type: "user_message", message: `task ${i}`, images: [] }) +
          l("turn_context", { cwd: "/work", model: "m" }) +
          l("event_msg", { type: "agent_message", message: "x".repeat(20_000) }),
      );
    }
    const runs: number[] = [];
    let page: Awaited<ReturnType<typeof listConversations>> | undefined;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      page = await listConversations(home, { pageSize: 25 });
      runs.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const found = await findRolloutPath(home, ids[0] ?? "");
    const findMs = performance.now() - t0;
    // Worst case: a filter nothing matches reads every head.
    const t1 = performance.now();
    const none = await listConversations(home, { pageSize: 25, modelProviders: ["nobody"] });
    const noneMs = performance.now() - t1;
    expect(none.items).toHaveLength(0);
    expect(page?.items).toHaveLength(25);
    expect(page?.items[0]?.conversationId).toBe(ids[1999]);
    expect(found).toBeDefined();
    console.log(
      `rollout listing, page 1 (25) of 2,000 sessions: first ${runs[0]?.toFixed(1)} ms, then ${runs.slice(1).map((x) => x.toFixed(1)).join(" / ")} ms; findRolloutPath(oldest) ${findMs.toFixed(1)} ms; filter matching nothing (all 2,000 heads) ${noneMs.toFixed(0)} ms`,
    );
  });
});
