// v1 history methods over the real bin: listConversations, getConversationSummary,
// resumeConversation, forkConversation, archiveConversation, against a fake Responses API.
import { execFileSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, openConversation, say, startInitialized } from "../support/v1-session.js";

let model: FakeModelServer;
beforeEach(async () => {
  model = await startFakeModelServer();
});
afterEach(async () => {
  await model.close();
});
// Registered before useServers: after-each hooks run in reverse, so servers stop before their
// shared CODEX_HOME is removed.
const tempDir = useTempDirs(afterEach, "v1-history-");
const start = useServers(afterEach, expectOnlyJsonLines);

const APP_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_S = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UNKNOWN_ID = "0195c0de-0000-7000-8000-000000000000";

/** A server on `home`; several servers (one after another: new processes) may share one home. */
function serverIn(home: string): Promise<ServerProcess> {
  return startInitialized(start, fakeProviderToml(model), { codexHome: home });
}

interface Conversation {
  conversationId: string;
  rolloutPath: string;
}

/** Waits until `count` turns of this conversation have completed on this connection. */
async function turnsCompleted(s: ServerProcess, conversationId: string, count = 1): Promise<void> {
  await s.waitFor(
    () =>
      s.notifications("codex/event/task_complete").filter((n) => (n.params as JsonObject).conversationId === conversationId).length >= count
        ? true
        : undefined,
    15_000,
    `${count} turn(s) of ${conversationId}`,
  );
}

/** newConversation + listener + one user message answered by the fake model. */
async function conversationWithOneTurn(s: ServerProcess, question: string, answer: string, params: JsonObject = {}): Promise<Conversation> {
  model.enqueue(textTurn(answer));
  const conversation = await openConversation(s, { cwd: s.codexHome, ...params });
  expect((await say(s, conversation.conversationId, question)).result).toEqual({});
  await turnsCompleted(s, conversation.conversationId);
  return conversation;
}

function rolloutLines(file: string): JsonObject[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as JsonObject);
}

/** Waits until the file holds `turns` completed turns (a turn ends with its task_complete line). */
async function persisted(s: ServerProcess, file: string, turns = 1): Promise<void> {
  await s.waitFor(
    () => {
      const text = readFileSync(file, "utf8");
      const lines = text.trimEnd().split("\n");
      const ends = lines.filter((l) => l.includes('"type":"task_complete"')).length;
      return text.endsWith("\n") && ends >= turns && lines.at(-1)?.includes('"type":"task_complete"') ? true : undefined;
    },
    5_000,
    `${turns} turn(s) in ${file}`,
  );
}

/** "role: text" for each message of a model request's input. */
function transcript(input: JsonObject[]): string[] {
  return input
    .filter((i) => i.type === "message")
    .flatMap((i) => (i.content as JsonObject[]).map((c) => `${String(i.role)}: ${String(c.text)}`));
}

/** The sessionConfigured notification of one conversation (newConversation sends one too). */
function sessionConfigured(s: ServerProcess, sessionId: string): Promise<JsonObject> {
  return s.waitFor(
    () => s.notifications("sessionConfigured").find((n) => (n.params as JsonObject).sessionId === sessionId),
    5_000,
    `sessionConfigured for ${sessionId}`,
  );
}

function eventPayloads(lines: JsonObject[], type: string): JsonObject[] {
  return lines.filter((l) => l.type === "event_msg").map((l) => l.payload as JsonObject).filter((p) => p.type === type);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
}

function gitRepo(dir: string): { sha: string; branch: string; origin_url: string } {
  const run = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir, encoding: "utf8" }).trim();
  run("init", "-q");
  run("checkout", "-q", "-b", "feature/history");
  run("commit", "-q", "--allow-empty", "-m", "init");
  run("remote", "add", "origin", "https://example.com/acme/repo.git");
  return { sha: run("rev-parse", "HEAD"), branch: "feature/history", origin_url: "https://example.com/acme/repo.git" };
}

describe("listConversations", () => {
  it("lists the conversations that have a user message, newest first, with their summaries", async () => {
    const s = await serverIn(tempDir());
    const plainDir = tempDir();
    const repoDir = tempDir();
    const git = gitRepo(repoDir);
    const older = await conversationWithOneTurn(s, "first question", "first answer", { cwd: plainDir });
    const newer = await conversationWithOneTurn(s, "second question", "second answer", { cwd: repoDir });
    await openConversation(s, { cwd: plainDir }); // no user message: not listed

    const res = await s.request("listConversations", {});
    expect(res.error).toBeUndefined();
    const { items, nextCursor } = res.result as { items: JsonObject[]; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      {
        conversationId: newer.conversationId,
        path: newer.rolloutPath,
        preview: "second question",
        timestamp: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_S),
        modelProvider: "fake",
        cwd: repoDir,
        cliVersion: APP_VERSION,
        source: "vscode",
        gitInfo: git, // origin_url is snake_case in 0.90's v1 ConversationGitInfo
      },
      {
        conversationId: older.conversationId,
        path: older.rolloutPath,
        preview: "first question",
        timestamp: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_S),
        modelProvider: "fake",
        cwd: plainDir,
        cliVersion: APP_VERSION,
        source: "vscode",
        gitInfo: null,
      },
    ]);
    const [newest, oldest] = items as [JsonObject, JsonObject];
    expect(Date.parse(newest.timestamp as string)).toBeGreaterThanOrEqual(Date.parse(oldest.timestamp as string));
  });

  it("pages with nextCursor, refuses a garbage cursor and filters by model provider", async () => {
    const s = await serverIn(tempDir());
    const older = await conversationWithOneTurn(s, "one", "1");
    const newer = await conversationWithOneTurn(s, "two", "2");

    const first = (await s.request("listConversations", { pageSize: 1 })).result as { items: JsonObject[]; nextCursor: string | null };
    expect(first.items.map((i) => i.conversationId)).toEqual([newer.conversationId]);
    expect(first.nextCursor).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\|[0-9a-f-]{36}$/));
    const second = (await s.request("listConversations", { pageSize: 1, cursor: first.nextCursor })).result as {
      items: JsonObject[];
      nextCursor: string | null;
    };
    expect(second.items.map((i) => i.conversationId)).toEqual([older.conversationId]);
    // A full page always carries a cursor, even when the next page is empty.
    const third = (await s.request("listConversations", { pageSize: 1, cursor: second.nextCursor })).result;
    expect(third).toEqual({ items: [], nextCursor: null });

    const garbage = await s.request("listConversations", { cursor: "garbage" });
    expect(garbage.error).toEqual({ code: -32600, message: "invalid cursor: garbage" });

    expect((await s.request("listConversations", { modelProviders: ["other"] })).result).toEqual({ items: [], nextCursor: null });
    const fake = (await s.request("listConversations", { modelProviders: ["other", "fake"] })).result as { items: JsonObject[] };
    expect(fake.items.map((i) => i.conversationId)).toEqual([newer.conversationId, older.conversationId]);
  });

  it("lists only the configured provider's sessions unless modelProviders says otherwise", async () => {
    const s = await serverIn(tempDir());
    const ours = await conversationWithOneTurn(s, "from fake", "ok");
    await persisted(s, ours.rolloutPath);
    const text = readFileSync(ours.rolloutPath, "utf8");
    // Same session under other ids: one of another provider, one from before session_meta named its provider.
    const sibling = (id: string, replace: (t: string) => string) => {
      const file = path.join(path.dirname(ours.rolloutPath), `rollout-2001-01-01T00-00-00-${id}.jsonl`);
      writeFileSync(file, replace(text.replaceAll(ours.conversationId, id)));
      return id;
    };
    const other = sibling("019b0000-0000-7000-8000-00000000000a", (t) => t.replace('"model_provider":"fake"', '"model_provider":"other"'));
    const legacy = sibling("019b0000-0000-7000-8000-00000000000b", (t) => t.replace('"model_provider":"fake",', ""));

    const listed = async (params: JsonObject) =>
      ((await s.request("listConversations", params)).result as { items: JsonObject[] }).items.map((i) => [i.conversationId, i.modelProvider]);
    expect(await listed({})).toEqual([
      [ours.conversationId, "fake"],
      [legacy, "fake"],
    ]);
    expect(await listed({ modelProviders: [] })).toEqual([
      [ours.conversationId, "fake"],
      [legacy, "fake"],
      [other, "other"],
    ]);
    expect(await listed({ modelProviders: ["other"] })).toEqual([[other, "other"]]);
  });

  it("lists a conversation as soon as its first message is sent", async () => {
    const s = await serverIn(tempDir());
    const { conversationId } = await openConversation(s, { cwd: s.codexHome });
    model.enqueue(textTurn("later"));
    await say(s, conversationId, "just sent");
    const { items } = (await s.request("listConversations", {})).result as { items: JsonObject[] };
    expect(items.map((i) => [i.conversationId, i.preview])).toEqual([[conversationId, "just sent"]]);
    await turnsCompleted(s, conversationId);
  });
});

describe("getConversationSummary", () => {
  it("returns the listing's summary by conversationId, by rolloutPath and by a path relative to CODEX_HOME", async () => {
    const s = await serverIn(tempDir());
    const { conversationId, rolloutPath } = await conversationWithOneTurn(s, "summarize me", "ok");
    await persisted(s, rolloutPath);
    const { items } = (await s.request("listConversations", {})).result as { items: JsonObject[] };
    expect(items).toHaveLength(1);

    expect((await s.request("getConversationSummary", { conversationId })).result).toEqual({ summary: items[0] });
    expect((await s.request("getConversationSummary", { rolloutPath })).result).toEqual({ summary: items[0] });
    const relative = path.relative(s.codexHome, rolloutPath);
    const byRelative = (await s.request("getConversationSummary", { rolloutPath: relative })).result as { summary: JsonObject };
    expect(byRelative.summary).toMatchObject({ conversationId, preview: "summarize me" });

    const unknown = await s.request("getConversationSummary", { conversationId: UNKNOWN_ID });
    expect(unknown.error).toEqual({ code: -32600, message: `no rollout found for conversation id ${UNKNOWN_ID}` });
  });
});

describe("resumeConversation", () => {
  it("resumes in a new process by path and by id, with the old history sent to the model and new lines appended", async () => {
    const home = tempDir();
    const first = await serverIn(home);
    const original = await conversationWithOneTurn(first, "remember 42", "noted 42", { baseInstructions: "Custom base instructions." });
    expect((await first.closeStdin()).code).toBe(0);
    const before = readFileSync(original.rolloutPath, "utf8");
    const sessionFiles = filesUnder(path.join(home, "sessions"));
    expect(sessionFiles).toHaveLength(1);

    // By conversationId, in a second process.
    const byId = await serverIn(home);
    const resumedById = await byId.request("resumeConversation", { conversationId: original.conversationId });
    expect(resumedById.error).toBeUndefined();
    expect(resumedById.result).toMatchObject({ conversationId: original.conversationId, model: "test-model", rolloutPath: original.rolloutPath });
    expect((await byId.closeStdin()).code).toBe(0);
    expect(readFileSync(original.rolloutPath, "utf8")).toBe(before); // resuming alone writes nothing

    // By path, in a third process, then one more turn.
    const s = await serverIn(home);
    const res = await s.request("resumeConversation", { path: original.rolloutPath });
    expect(res.error).toBeUndefined();
    const result = res.result as { conversationId: string; model: string; initialMessages: JsonObject[]; rolloutPath: string };
    expect(result).toMatchObject({ conversationId: original.conversationId, model: "test-model", rolloutPath: original.rolloutPath });
    expect(result.initialMessages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "user_message", message: "remember 42" }),
        { type: "agent_message", message: "noted 42" },
      ]),
    );
    const configured = await sessionConfigured(s, original.conversationId);
    expect(configured.params).toEqual({
      sessionId: original.conversationId,
      model: "test-model",
      reasoningEffort: null,
      historyLogId: 0,
      historyEntryCount: 0,
      initialMessages: result.initialMessages,
      rolloutPath: original.rolloutPath,
    });

    model.enqueue(textTurn("it was 42"));
    expect((await s.request("addConversationListener", { conversationId: original.conversationId })).error).toBeUndefined();
    expect((await say(s, original.conversationId, "what number?")).result).toEqual({});
    await turnsCompleted(s, original.conversationId);

    const request = model.requests.at(-1)!;
    expect(request.headers.session_id).toBe(original.conversationId);
    // The session keeps the instructions it was started with.
    expect(request.body.instructions).toBe("Custom base instructions.");
    const said = transcript(request.body.input as JsonObject[]);
    const old = said.indexOf("user: remember 42");
    expect(old).toBeGreaterThanOrEqual(0);
    expect(said.slice(old)).toEqual(["user: remember 42", "assistant: noted 42", "user: what number?"]);

    expect((await s.closeStdin()).code).toBe(0);
    const after = readFileSync(original.rolloutPath, "utf8");
    expect(after.startsWith(before)).toBe(true);
    const appended = rolloutLines(original.rolloutPath).slice(before.trimEnd().split("\n").length);
    expect(eventPayloads(appended, "user_message").map((p) => p.message)).toEqual(["what number?"]);
    expect(eventPayloads(appended, "agent_message").map((p) => p.message)).toEqual(["it was 42"]);
    expect(filesUnder(path.join(home, "sessions"))).toEqual(sessionFiles);
  });

  it("returns the live conversation when it is already loaded", async () => {
    const s = await serverIn(tempDir());
    const { conversationId, rolloutPath } = await conversationWithOneTurn(s, "live one", "yes");
    const res = await s.request("resumeConversation", { conversationId });
    expect(res.result).toMatchObject({ conversationId, rolloutPath });
  });

  it("starts a new conversation from a non-empty raw history", async () => {
    const s = await serverIn(tempDir());
    const history = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "raw question" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "raw answer" }] },
    ];
    const res = await s.request("resumeConversation", { history, overrides: { cwd: s.codexHome } });
    expect(res.error).toBeUndefined();
    const { conversationId, rolloutPath } = res.result as Conversation;
    expect(existsSync(rolloutPath)).toBe(true);
    model.enqueue(textTurn("ok"));
    await s.request("addConversationListener", { conversationId });
    await say(s, conversationId, "go on");
    await turnsCompleted(s, conversationId);
    expect(transcript(model.requests[0]!.body.input as JsonObject[]).slice(-3)).toEqual(["user: raw question", "assistant: raw answer", "user: go on"]);
  });

  it("refuses a request that names no conversation, and unknown ids", async () => {
    const s = await serverIn(tempDir());
    expect((await s.request("resumeConversation", {})).error).toEqual({
      code: -32600,
      message: "either path, conversation id or non empty history must be provided",
    });
    expect((await s.request("resumeConversation", { history: [] })).error?.message).toBe(
      "either path, conversation id or non empty history must be provided",
    );
    expect((await s.request("resumeConversation", { conversationId: UNKNOWN_ID })).error).toEqual({
      code: -32600,
      message: `no rollout found for conversation id ${UNKNOWN_ID}`,
    });
    expect(s.notifications("sessionConfigured")).toEqual([]);
  });
});

describe("forkConversation", () => {
  it("copies the history into a new conversation and rollout, leaving the original alone", async () => {
    const home = tempDir();
    const s = await serverIn(home);
    const original = await conversationWithOneTurn(s, "fork from here", "forkable");
    await persisted(s, original.rolloutPath);
    const before = readFileSync(original.rolloutPath, "utf8");

    const res = await s.request("forkConversation", { conversationId: original.conversationId });
    expect(res.error).toBeUndefined();
    const fork = res.result as { conversationId: string; model: string; initialMessages: JsonObject[]; rolloutPath: string };
    expect(fork.conversationId).not.toBe(original.conversationId);
    expect(fork.rolloutPath).not.toBe(original.rolloutPath);
    expect(path.basename(fork.rolloutPath)).toMatch(new RegExp(`^rollout-.*-${fork.conversationId}\\.jsonl$`));
    expect(fork.initialMessages).toEqual(expect.arrayContaining([expect.objectContaining({ type: "user_message", message: "fork from here" })]));
    const configured = await sessionConfigured(s, fork.conversationId);
    expect(configured.params).toMatchObject({ model: "test-model", initialMessages: fork.initialMessages, rolloutPath: fork.rolloutPath });

    const copied = rolloutLines(fork.rolloutPath);
    expect(copied[0]).toMatchObject({ type: "session_meta", payload: { id: fork.conversationId, model_provider: "fake", source: "vscode" } });
    const originalLines = rolloutLines(original.rolloutPath);
    expect(copied.slice(1).map((l) => [l.type, l.payload])).toEqual(originalLines.slice(1).map((l) => [l.type, l.payload]));
    expect(readFileSync(original.rolloutPath, "utf8")).toBe(before);

    model.enqueue(textTurn("forked answer"));
    await s.request("addConversationListener", { conversationId: fork.conversationId });
    await say(s, fork.conversationId, "and now?");
    await turnsCompleted(s, fork.conversationId);
    const request = model.requests.at(-1)!;
    expect(request.headers.session_id).toBe(fork.conversationId);
    expect(transcript(request.body.input as JsonObject[]).slice(-3)).toEqual(["user: fork from here", "assistant: forkable", "user: and now?"]);

    await persisted(s, fork.rolloutPath, 2);
    expect(readFileSync(original.rolloutPath, "utf8")).toBe(before);
    expect(filesUnder(path.join(home, "sessions"))).toHaveLength(2);
  });
});

describe("archiveConversation", () => {
  it("moves the rollout to archived_sessions, unloads the conversation and drops it from the listing", async () => {
    const home = tempDir();
    const s = await serverIn(home);
    const { conversationId, rolloutPath } = await conversationWithOneTurn(s, "archive me", "ok");
    const archived = path.join(home, "archived_sessions", path.basename(rolloutPath));

    expect((await s.request("archiveConversation", { conversationId, rolloutPath })).result).toEqual({});
    expect(existsSync(rolloutPath)).toBe(false);
    expect(existsSync(archived)).toBe(true);
    expect(eventPayloads(rolloutLines(archived), "agent_message").map((p) => p.message)).toEqual(["ok"]);

    expect((await say(s, conversationId, "still there?")).error).toEqual({ code: -32600, message: `conversation not found: ${conversationId}` });
    expect((await s.request("listConversations", {})).result).toEqual({ items: [], nextCursor: null });

    const again = await s.request("archiveConversation", { conversationId, rolloutPath });
    expect(again.error).toEqual({ code: -32600, message: `rollout path \`${rolloutPath}\` must be in sessions directory` });
    expect(existsSync(archived)).toBe(true);
  });

  it("refuses paths outside sessions/ or of another conversation and touches nothing", async () => {
    const home = tempDir();
    const s = await serverIn(home);
    const target = await conversationWithOneTurn(s, "keep me", "kept");
    const other = await conversationWithOneTurn(s, "someone else", "other");
    await persisted(s, target.rolloutPath);
    const name = path.basename(target.rolloutPath);

    const copyDir = tempDir();
    const copy = path.join(copyDir, name);
    copyFileSync(target.rolloutPath, copy);
    const outside = path.join(home, "outside");
    mkdirSync(outside);
    copyFileSync(target.rolloutPath, path.join(outside, name));
    const climbing = `${home}/sessions/../outside/${name}`;

    const refusals: [string, string][] = [
      [copy, `rollout path \`${copy}\` must be in sessions directory`],
      // 0.90 names the path without its `..` segments.
      [climbing, `rollout path \`${path.join(outside, name)}\` must be in sessions directory`],
      [other.rolloutPath, `rollout path \`${other.rolloutPath}\` does not match thread id ${target.conversationId}`],
    ];
    for (const [rolloutPath, message] of refusals) {
      const res = await s.request("archiveConversation", { conversationId: target.conversationId, rolloutPath });
      expect(res.error, rolloutPath).toEqual({ code: -32600, message });
    }

    for (const file of [copy, path.join(outside, name), target.rolloutPath, other.rolloutPath]) expect(existsSync(file), file).toBe(true);
    expect(existsSync(path.join(home, "archived_sessions"))).toBe(false);
    // Both conversations are still loaded and usable.
    model.enqueue(textTurn("still here"));
    expect((await say(s, target.conversationId, "are you there?")).result).toEqual({});
    await turnsCompleted(s, target.conversationId, 2);
    const { items } = (await s.request("listConversations", {})).result as { items: JsonObject[] };
    expect(items.map((i) => i.conversationId).sort()).toEqual([target.conversationId, other.conversationId].sort());
  });
});

describe("torn rollout", () => {
  it("a half-written last line does not break listing or resume", async () => {
    const home = tempDir();
    const first = await serverIn(home);
    const { conversationId, rolloutPath } = await conversationWithOneTurn(first, "before the crash", "saved");
    expect((await first.closeStdin()).code).toBe(0);
    appendFileSync(rolloutPath, '{"timestamp":"2026-11-24T00:00:00.000Z","type":"event_msg","payload":{"type":"agent_mes');

    const s = await serverIn(home);
    const { items } = (await s.request("listConversations", {})).result as { items: JsonObject[] };
    expect(items.map((i) => [i.conversationId, i.preview])).toEqual([[conversationId, "before the crash"]]);

    const res = await s.request("resumeConversation", { path: rolloutPath });
    expect(res.error).toBeUndefined();
    const { initialMessages } = res.result as { initialMessages: JsonObject[] };
    expect(eventPayloads(initialMessages.map((payload) => ({ type: "event_msg", payload })), "agent_message")).toEqual([
      { type: "agent_message", message: "saved" },
    ]);

    model.enqueue(textTurn("after the crash"));
    await s.request("addConversationListener", { conversationId });
    await say(s, conversationId, "still ok?");
    await turnsCompleted(s, conversationId);
    expect(transcript(model.requests.at(-1)!.body.input as JsonObject[]).slice(-3)).toEqual([
      "user: before the crash",
      "assistant: saved",
      "user: still ok?",
    ]);
    expect((await s.closeStdin()).code).toBe(0);

    // The torn fragment stays on a line of its own; every line after it is whole.
    const raw = readFileSync(rolloutPath, "utf8").split("\n");
    const torn = raw.findIndex((l) => l.endsWith('"type":"agent_mes'));
    expect(torn).toBeGreaterThan(0);
    for (const line of raw.slice(torn + 1).filter((l) => l !== "")) expect(() => JSON.parse(line)).not.toThrow();

    const third = await serverIn(home);
    const relisted = (await third.request("listConversations", {})).result as { items: JsonObject[] };
    expect(relisted.items.map((i) => i.conversationId)).toEqual([conversationId]);
    const resumed = (await third.request("resumeConversation", { conversationId })).result as { initialMessages: JsonObject[] };
    expect(resumed.initialMessages.filter((m) => m.type === "user_message").map((m) => m.message)).toEqual(["before the crash", "still ok?"]);
  });
});

describe("rollout files", () => {
  it("are written in the reference's line shapes", async () => {
    const home = tempDir();
    const s = await serverIn(home);
    const { conversationId, rolloutPath } = await conversationWithOneTurn(s, "shape check", "shaped");
    expect((await s.closeStdin()).code).toBe(0);

    expect(path.relative(home, rolloutPath)).toMatch(
      new RegExp(`^sessions/\\d{4}/\\d{2}/\\d{2}/rollout-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-${conversationId}\\.jsonl$`),
    );
    const lines = rolloutLines(rolloutPath);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(["timestamp", "type", "payload"]);
      expect(line.timestamp).toMatch(ISO_MS);
    }
    expect(lines[0]).toEqual({
      timestamp: expect.any(String),
      type: "session_meta",
      payload: {
        id: conversationId,
        timestamp: expect.stringMatching(ISO_MS),
        cwd: home,
        originator: "v1_ide",
        cli_version: APP_VERSION,
        source: "vscode",
        model_provider: "fake",
        base_instructions: { text: expect.any(String) },
      },
    });
    // The session's context, then the turn: task_started, user item, user_message, turn_context, the answer, token_count, task_complete.
    const shape = lines.slice(1).map((l) => {
      const p = l.payload as JsonObject;
      return l.type === "turn_context" ? "turn_context" : `${String(l.type)}:${String(p.type)}${p.role ? `:${String(p.role)}` : ""}`;
    });
    expect(shape).toEqual([
      "response_item:message:developer",
      "response_item:message:user",
      "event_msg:task_started",
      "response_item:message:user",
      "event_msg:user_message",
      "turn_context",
      "event_msg:agent_message",
      "response_item:message:assistant",
      "event_msg:token_count",
      "event_msg:task_complete",
    ]);
    const turnContext = lines.find((l) => l.type === "turn_context")!.payload as JsonObject;
    expect(turnContext).toMatchObject({ cwd: home, approval_policy: "untrusted", sandbox_policy: { type: "read-only" }, model: "test-model", summary: "auto" });
    expect(eventPayloads(lines, "user_message")[0]).toEqual({ type: "user_message", message: "shape check", images: [], local_images: [], text_elements: [] });
    expect(eventPayloads(lines, "token_count")[0]).toMatchObject({
      info: { total_token_usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 } },
    });
  });
});
