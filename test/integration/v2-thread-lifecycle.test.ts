// thread/unsubscribe, thread/closed, thread/status/changed, thread/delete, thread/rollback,
// thread/turns/list, thread/items/list and turn/steer over the real bin: what a client sees.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const text = (t: string) => [{ type: "text", text: t }];
const params = (s: ServerProcess, method: string) => s.notifications(method).map((m) => m.params as JsonObject);
const conforms = (file: string, value: unknown) => expect(referenceSchemaProblems(loadReferenceSchema(`v2/${file}.json`), value)).toEqual([]);

async function startThread(s: ServerProcess): Promise<JsonObject> {
  return ((await s.request("thread/start", { cwd: s.codexHome })).result as { thread: JsonObject }).thread;
}

/** Runs one turn to its end; returns its id. */
async function turn(s: ServerProcess, threadId: unknown, question: string): Promise<string> {
  const done = s.notifications("turn/completed").length;
  const res = await s.request("turn/start", { threadId, input: text(question) });
  expect(res.error).toBeUndefined();
  await s.waitFor(() => s.notifications("turn/completed")[done], 15_000, "turn/completed");
  return String((res.result as { turn: JsonObject }).turn.id);
}

async function threadWithTurns(s: ServerProcess, questions: string[]): Promise<JsonObject> {
  model.enqueue(...questions.map((q) => textTurn(`answer to ${q}`)));
  const thread = await startThread(s);
  for (const q of questions) await turn(s, thread.id, q);
  return thread;
}

const loaded = async (s: ServerProcess) => ((await s.request("thread/loaded/list", {})).result as { data: string[] }).data;
const userTexts = (body: { input: JsonObject[] }) =>
  body.input
    .filter((i) => i.type === "message" && i.role === "user")
    .map((i) => ((i.content as JsonObject[])[0]?.text as string) ?? "")
    .filter((t) => !t.startsWith("<"));

describe("thread/status/changed", () => {
  it("goes active (waitingOnApproval while the client is asked) and back to idle around a turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }), textTurn("done"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("run it") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    const statuses = params(s, "thread/status/changed");
    expect(statuses.map((p) => p.status)).toEqual([
      { type: "active", activeFlags: [] },
      { type: "active", activeFlags: ["waitingOnApproval"] },
      { type: "active", activeFlags: [] },
      { type: "idle" },
    ]);
    for (const p of statuses) {
      expect(p.threadId).toBe(thread.id);
      conforms("ThreadStatusChangedNotification", p);
    }
    // Told before the turn's own notifications, as the reference orders them.
    const order = s.messages.filter((m) => m.method === "thread/status/changed" || m.method === "turn/started" || m.method === "turn/completed").map((m) => m.method);
    expect(order[0]).toBe("thread/status/changed");
    expect(order.at(-2)).toBe("thread/status/changed");
    expect(order.at(-1)).toBe("turn/completed");
  });
});

describe("thread/unsubscribe", () => {
  it("unloads the thread: thread/closed, not in thread/loaded/list, rollout complete; thread/resume loads it again", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["first question"]);
    expect(await loaded(s)).toEqual([thread.id]);

    const res = await s.request("thread/unsubscribe", { threadId: thread.id });
    expect(res.result).toEqual({ status: "unsubscribed" });
    conforms("ThreadUnsubscribeResponse", res.result);
    await s.waitFor(() => s.notifications("thread/closed")[0], 10_000, "thread/closed");
    expect(params(s, "thread/closed")).toEqual([{ threadId: thread.id }]);
    conforms("ThreadClosedNotification", params(s, "thread/closed")[0]);
    expect(params(s, "thread/status/changed").at(-1)).toEqual({ threadId: thread.id, status: { type: "notLoaded" } });
    expect(await loaded(s)).toEqual([]);
    const rollout = readFileSync(String(thread.path), "utf8");
    expect(rollout).toContain("answer to first question");
    expect(rollout.endsWith("\n")).toBe(true);

    expect((await s.request("thread/unsubscribe", { threadId: thread.id })).result).toEqual({ status: "notLoaded" });
    model.enqueue(textTurn("again"));
    const resumed = (await s.request("thread/resume", { threadId: thread.id })).result as { thread: { turns: unknown[] } };
    expect(resumed.thread.turns).toHaveLength(1);
    expect(await loaded(s)).toEqual([thread.id]);
    await turn(s, thread.id, "after resume");
    expect(userTexts(model.requests.at(-1)!.body)).toEqual(["first question", "after resume"]);
  });

  it("waits for a running turn before unloading, and answers notLoaded / -32602 for unknown ids and bad params", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }), textTurn("done"));
    const thread = await startThread(s);
    await s.request("turn/start", { threadId: thread.id, input: text("run it") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    expect((await s.request("thread/unsubscribe", { threadId: thread.id })).result).toEqual({ status: "unsubscribed" });
    expect(await loaded(s)).toEqual([thread.id]);
    expect(s.notifications("thread/closed")).toEqual([]);
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("thread/closed")[0], 15_000, "thread/closed");
    expect(await loaded(s)).toEqual([]);
    // The turn ran to its end: the rollout holds its answer.
    expect(readFileSync(String(thread.path), "utf8")).toContain('"done"');

    expect((await s.request("thread/unsubscribe", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" })).result).toEqual({ status: "notLoaded" });
    const bad = await s.request("thread/unsubscribe", {});
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain("threadId");
  });
});

describe("thread/delete", () => {
  it("removes a loaded thread's rollout and name, unloads it, notifies; thread/list and thread/read no longer find it", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["to delete"]);
    const kept = await threadWithTurns(s, ["to keep"]);
    await s.request("thread/name/set", { threadId: thread.id, name: "doomed" });
    await s.request("thread/name/set", { threadId: kept.id, name: "kept" });

    const res = await s.request("thread/delete", { threadId: thread.id });
    expect(res.result).toEqual({});
    conforms("ThreadDeleteResponse", res.result);
    await s.waitFor(() => s.notifications("thread/deleted")[0], 10_000, "thread/deleted");
    expect(params(s, "thread/deleted")).toEqual([{ threadId: thread.id }]);
    conforms("ThreadDeletedNotification", params(s, "thread/deleted")[0]);
    expect(params(s, "thread/status/changed").filter((p) => p.threadId === thread.id).at(-1)?.status).toEqual({ type: "notLoaded" });
    // As 0.169: deleting tells the status, not thread/closed.
    expect(s.notifications("thread/closed")).toEqual([]);
    expect(existsSync(String(thread.path))).toBe(false);
    expect(await loaded(s)).toEqual([kept.id]);
    const list = (await s.request("thread/list", {})).result as { data: JsonObject[] };
    expect(list.data.map((t) => [t.id, t.name])).toEqual([[kept.id, "kept"]]);
    expect(readFileSync(path.join(s.codexHome, "session_index.jsonl"), "utf8")).not.toContain(String(thread.id));
    expect((await s.request("thread/read", { threadId: thread.id })).error?.code).toBe(-32600);

    const again = await s.request("thread/delete", { threadId: thread.id });
    expect(again.error).toMatchObject({ code: -32600, message: `no rollout found for thread id ${String(thread.id)}` });
    const bad = await s.request("thread/delete", {});
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain("threadId");
  });

  it("removes an archived thread too", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["archived then deleted"]);
    await s.request("thread/archive", { threadId: thread.id });
    expect(((await s.request("thread/list", { archived: true })).result as { data: unknown[] }).data).toHaveLength(1);
    expect((await s.request("thread/delete", { threadId: thread.id })).result).toEqual({});
    expect(((await s.request("thread/list", { archived: true })).result as { data: unknown[] }).data).toEqual([]);
    expect((await s.request("thread/unarchive", { threadId: thread.id })).error?.code).toBe(-32600);
  });

  it("removes a thread started a moment ago, before any turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await startThread(s);
    expect((await s.request("thread/delete", { threadId: thread.id })).result).toEqual({});
    expect(existsSync(String(thread.path))).toBe(false);
    expect(await loaded(s)).toEqual([]);
  });
});

describe("thread/rollback", () => {
  it("drops the last turns from the thread and the next model request, also after a restart", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["one", "two", "three"]);
    const res = await s.request("thread/rollback", { threadId: thread.id, numTurns: 2 });
    expect(res.error).toBeUndefined();
    const turns = (res.result as { thread: { id: string; turns: { items: JsonObject[] }[] } }).thread;
    expect(turns.id).toBe(thread.id);
    expect(turns.turns).toHaveLength(1);
    expect(turns.turns[0]!.items.map((i) => i.type)).toEqual(["userMessage", "agentMessage"]);

    model.enqueue(textTurn("answer to four"));
    await turn(s, thread.id, "four");
    const sent = model.requests.at(-1)!.body as { input: JsonObject[] };
    expect(userTexts(sent)).toEqual(["one", "four"]);
    expect(JSON.stringify(sent.input)).not.toContain("answer to two");
    expect(JSON.stringify(sent.input)).not.toContain("answer to three");
    // 0.90's record of it in the rollout.
    expect(readFileSync(String(thread.path), "utf8")).toContain('"type":"thread_rolled_back","num_turns":2');
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const resumed = (await again.request("thread/resume", { threadId: thread.id })).result as { thread: { turns: { items: JsonObject[] }[] } };
    expect(resumed.thread.turns.map((t) => t.items.find((i) => i.type === "userMessage")?.content)).toEqual([[{ type: "text", text: "one", text_elements: [] }], [{ type: "text", text: "four", text_elements: [] }]]);
    model.enqueue(textTurn("answer to five"));
    await turn(again, thread.id, "five");
    expect(userTexts(model.requests.at(-1)!.body)).toEqual(["one", "four", "five"]);
  });

  it("refuses numTurns < 1 and missing fields with -32602, an unknown thread with -32600, and a running turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["one"]);
    const zero = await s.request("thread/rollback", { threadId: thread.id, numTurns: 0 });
    expect(zero.error?.code).toBe(-32602);
    expect(zero.error?.message).toContain("numTurns");
    const missing = await s.request("thread/rollback", { threadId: thread.id });
    expect(missing.error?.code).toBe(-32602);
    expect(missing.error?.message).toContain("numTurns");
    const unknown = await s.request("thread/rollback", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", numTurns: 1 });
    expect(unknown.error).toMatchObject({ code: -32600, message: "thread not found: 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });

    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }), textTurn("done"));
    await s.request("turn/start", { threadId: thread.id, input: text("busy") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    const busy = await s.request("thread/rollback", { threadId: thread.id, numTurns: 1 });
    expect(busy.error).toMatchObject({ code: -32600, message: "cannot roll back while a turn is in progress" });
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "turn/completed");
    expect(((await s.request("thread/read", { threadId: thread.id, includeTurns: true })).result as { thread: { turns: unknown[] } }).thread.turns).toHaveLength(2);
  });
});

describe("turn/steer", () => {
  it("adds input to the running turn: the turn's next model request carries it", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }), textTurn("done"));
    const thread = await startThread(s);
    const turnId = String(((await s.request("turn/start", { threadId: thread.id, input: text("start") })).result as { turn: JsonObject }).turn.id);
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");

    const res = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: turnId, input: text("also mention steering") });
    expect(res.result).toEqual({ turnId });
    conforms("TurnSteerResponse", res.result);
    const wrong = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: "not-the-turn", input: text("x") });
    expect(wrong.error).toMatchObject({ code: -32600, message: `expected active turn id \`not-the-turn\` but found \`${turnId}\`` });

    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    expect(model.requests).toHaveLength(2);
    expect(userTexts(model.requests[0]!.body)).toEqual(["start"]);
    const second = model.requests[1]!.body as { input: JsonObject[] };
    expect(userTexts(second)).toEqual(["start", "also mention steering"]);
    // After the tool output, in the order things happened.
    expect(second.input.at(-1)).toMatchObject({ type: "message", role: "user" });
    const users = params(s, "item/completed").filter((p) => (p.item as JsonObject).type === "userMessage");
    expect(users.map((p) => [p.turnId, (p.item as { content: JsonObject[] }).content[0]?.text])).toEqual([
      [turnId, "start"],
      [turnId, "also mention steering"],
    ]);
    expect(params(s, "turn/completed")).toHaveLength(1);
    // Read back from the rollout: one turn, the steered input among its items.
    const read = (await s.request("thread/read", { threadId: thread.id, includeTurns: true })).result as { thread: { turns: { id: string; items: JsonObject[] }[] } };
    expect(read.thread.turns).toHaveLength(1);
    expect(read.thread.turns[0]!.id).toBe(turnId);
    const texts = read.thread.turns[0]!.items.filter((i) => i.type === "userMessage").map((i) => (i.content as JsonObject[])[0]!.text);
    expect(texts).toEqual(["start", "also mention steering"]);
  });

  it("refuses with no running turn, an unknown thread and bad params", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["one"]);
    const idle = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: "x", input: text("late") });
    expect(idle.error).toMatchObject({ code: -32600, message: "no active turn to steer" });
    const unknown = await s.request("turn/steer", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", expectedTurnId: "x", input: text("x") });
    expect(unknown.error).toMatchObject({ code: -32600, message: "thread not found: 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    const noExpected = await s.request("turn/steer", { threadId: thread.id, input: text("x") });
    expect(noExpected.error?.code).toBe(-32602);
    expect(noExpected.error?.message).toContain("expectedTurnId");
    const noInput = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: "x" });
    expect(noInput.error?.code).toBe(-32602);
    expect(noInput.error?.message).toContain("input");
    expect(model.requests).toHaveLength(1);
  });
});

describe("thread/turns/list and thread/items/list", () => {
  it("page through turns (newest first by default) and items (oldest first) with cursors", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["q1", "q2", "q3"]);
    const question = (t: JsonObject) => ((t.items as JsonObject[])[0]!.content as JsonObject[])[0]!.text;

    const first = (await s.request("thread/turns/list", { threadId: thread.id, limit: 2 })).result as { data: JsonObject[]; nextCursor: string; backwardsCursor: string };
    expect(first.data.map(question)).toEqual(["q3", "q2"]);
    // The ids the turns had live (turn/start, turn/completed), read back from the rollout.
    const liveIds = params(s, "turn/completed").map((p) => (p.turn as JsonObject).id);
    expect(first.data.map((t) => t.id)).toEqual([liveIds[2], liveIds[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await s.request("thread/turns/list", { threadId: thread.id, limit: 2, cursor: first.nextCursor })).result as { data: JsonObject[]; nextCursor: string | null; backwardsCursor: string };
    expect(second.data.map(question)).toEqual(["q1"]);
    expect(second.nextCursor).toBeNull();
    // Reversing from the backwards cursor includes the anchor turn again.
    const back = (await s.request("thread/turns/list", { threadId: thread.id, sortDirection: "asc", cursor: second.backwardsCursor })).result as { data: JsonObject[] };
    expect(back.data.map(question)).toEqual(["q1", "q2", "q3"]);
    const asc = (await s.request("thread/turns/list", { threadId: thread.id, sortDirection: "asc", itemsView: "notLoaded" })).result as { data: JsonObject[] };
    expect(asc.data.map((t) => t.items)).toEqual([[], [], []]);

    const items = (await s.request("thread/items/list", { threadId: thread.id, limit: 4 })).result as { data: JsonObject[]; nextCursor: string };
    const shown = (e: JsonObject) => {
      const item = e.item as JsonObject;
      return item.type === "userMessage" ? (item.content as JsonObject[])[0]!.text : item.text;
    };
    expect(items.data.map(shown)).toEqual(["q1", "answer to q1", "q2", "answer to q2"]);
    // Each entry carries its item's times (items have them since they conform to 0.169).
    const firstItem = items.data[0]!.item as JsonObject;
    expect(firstItem.startedAtMs).toEqual(expect.any(Number));
    expect(items.data[0]).toMatchObject({ turnId: back.data[0]!.id, startedAtMs: firstItem.startedAtMs, completedAtMs: firstItem.completedAtMs });
    const rest = (await s.request("thread/items/list", { threadId: thread.id, cursor: items.nextCursor })).result as { data: JsonObject[]; nextCursor: string | null };
    expect(rest.data.map(shown)).toEqual(["q3", "answer to q3"]);
    expect(rest.nextCursor).toBeNull();

    const lastTurn = first.data[0]!;
    const ofTurn = (await s.request("thread/items/list", { threadId: thread.id, turnId: lastTurn.id, sortDirection: "desc" })).result as { data: JsonObject[] };
    expect(ofTurn.data.map(shown)).toEqual(["answer to q3", "q3"]);
    expect(ofTurn.data.every((e) => e.turnId === lastTurn.id)).toBe(true);
    const userItem = (lastTurn.items as JsonObject[])[0]!;
    const after = (await s.request("thread/items/list", { threadId: thread.id, turnId: lastTurn.id, cursor: { type: "item", itemId: userItem.id } })).result as { data: JsonObject[] };
    expect(after.data.map(shown)).toEqual(["answer to q3"]);
  });

  it("refuses a bad cursor, an unknown thread and bad params", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["q1"]);
    const badCursor = await s.request("thread/turns/list", { threadId: thread.id, cursor: "nonsense" });
    expect(badCursor.error).toMatchObject({ code: -32600, message: "invalid cursor: nonsense" });
    const unknown = await s.request("thread/items/list", { threadId: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
    expect(unknown.error?.code).toBe(-32600);
    const noId = await s.request("thread/turns/list", {});
    expect(noId.error?.code).toBe(-32602);
    expect(noId.error?.message).toContain("threadId");
    const badDirection = await s.request("thread/items/list", { threadId: thread.id, sortDirection: "sideways" });
    expect(badDirection.error?.code).toBe(-32602);
    expect(badDirection.error?.message).toContain("sortDirection");
    const anchorWithoutTurn = await s.request("thread/items/list", { threadId: thread.id, cursor: { type: "item", itemId: "x" } });
    expect(anchorWithoutTurn.error?.code).toBe(-32602);
    expect(anchorWithoutTurn.error?.message).toContain("cursor");
  });
});

// Keeps the helpers honest: a rollout line written by hand is replayed like the server's own.
describe("rollback marker written by another client", () => {
  it("is applied when the thread is read", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const thread = await threadWithTurns(s, ["keep", "drop"]);
    await s.request("thread/unsubscribe", { threadId: thread.id });
    await s.waitFor(() => s.notifications("thread/closed")[0], 10_000, "thread/closed");
    writeFileSync(String(thread.path), `${JSON.stringify({ timestamp: new Date().toISOString(), type: "event_msg", payload: { type: "thread_rolled_back", num_turns: 1 } })}\n`, { flag: "a" });
    const read = (await s.request("thread/read", { threadId: thread.id, includeTurns: true })).result as { thread: { turns: unknown[] } };
    expect(read.thread.turns).toHaveLength(1);
  });
});
