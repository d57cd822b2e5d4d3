// What a v2 client sees first: the reply to thread/start, thread/fork and turn/start is written
// before the notifications it causes, so the client knows the thread or turn they name. And
// initialize's capabilities.optOutNotificationMethods: those notifications never reach that client.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, FAKE_ENV, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

/** Index in stdout of the first line matching `pick`. */
function lineOf(s: ServerProcess, pick: (m: JsonObject) => boolean): number {
  const at = s.messages.findIndex(pick);
  expect(at, "line not found").toBeGreaterThanOrEqual(0);
  return at;
}

const replyTo = (id: number) => (m: JsonObject) => m.id === id && "result" in m;
const note = (method: string, also: (p: JsonObject) => boolean = () => true) => (m: JsonObject) =>
  m.method === method && !("id" in m) && also(m.params as JsonObject);

async function request(s: ServerProcess, method: string, params: JsonObject): Promise<{ id: number; result: JsonObject }> {
  const res = await s.request(method, params);
  expect(res.error).toBeUndefined();
  return { id: res.id as number, result: res.result as JsonObject };
}

describe("v2 order", () => {
  it("writes the reply to thread/start, thread/fork and turn/start before the notifications each causes", async () => {
    const s = start({ configToml: fakeProviderToml(model), env: FAKE_ENV });
    await s.initialize();
    model.enqueue(textTurn("first"), textTurn("second"));
    const started = await request(s, "thread/start", { cwd: s.codexHome });
    const threadId = (started.result.thread as JsonObject).id as string;
    expect(lineOf(s, replyTo(started.id))).toBeLessThan(lineOf(s, note("thread/started", (p) => (p.thread as JsonObject).id === threadId)));

    const elements = [{ byteRange: { start: 0, end: 2 }, placeholder: "@hi" }];
    const turn = await request(s, "turn/start", { threadId, input: [{ type: "text", text: "hi", text_elements: elements }] });
    const turnId = (turn.result.turn as JsonObject).id as string;
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "the turn");
    const reply = lineOf(s, replyTo(turn.id));
    const turnStarted = lineOf(s, note("turn/started", (p) => (p.turn as JsonObject).id === turnId));
    const userItem = lineOf(s, note("item/started", (p) => p.turnId === turnId && (p.item as JsonObject).type === "userMessage"));
    expect(reply).toBeLessThan(turnStarted);
    expect(turnStarted).toBeLessThan(userItem);
    // The user message item shows the input as sent, UI spans included, also when read back.
    expect((s.messages[userItem]!.params as { item: JsonObject }).item.content).toEqual([{ type: "text", text: "hi", text_elements: elements }]);
    const read = (await s.request("thread/read", { threadId, includeTurns: true })).result as { thread: { turns: { items: JsonObject[] }[] } };
    expect(read.thread.turns[0]!.items[0]!.content).toEqual([{ type: "text", text: "hi", text_elements: elements }]);

    const fork = await request(s, "thread/fork", { threadId });
    const forkId = (fork.result.thread as JsonObject).id as string;
    expect(lineOf(s, replyTo(fork.id))).toBeLessThan(lineOf(s, note("thread/started", (p) => (p.thread as JsonObject).id === forkId)));

    // A resumed thread's next turn: the resume reply, then turn/start's reply, then the turn.
    const resumed = await request(s, "thread/resume", { threadId: forkId });
    const next = await request(s, "turn/start", { threadId: forkId, input: [{ type: "text", text: "again" }] });
    const nextId = (next.result.turn as JsonObject).id as string;
    await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "the second turn");
    expect(lineOf(s, replyTo(resumed.id))).toBeLessThan(lineOf(s, replyTo(next.id)));
    expect(lineOf(s, replyTo(next.id))).toBeLessThan(lineOf(s, note("turn/started", (p) => (p.turn as JsonObject).id === nextId)));
  });
});

describe("initialize capabilities", () => {
  it("does not send the notifications a client opted out of, and sends the rest", async () => {
    const s = start({ configToml: fakeProviderToml(model), env: FAKE_ENV });
    const init = await s.request("initialize", {
      clientInfo: { name: "typed_ide", version: "1.0.0" },
      capabilities: { experimentalApi: true, optOutNotificationMethods: ["thread/started", "item/agentMessage/delta"] },
    });
    expect(init.error).toBeUndefined();
    model.enqueue(textTurn("streamed answer"));
    const thread = await s.request("thread/start", { cwd: s.codexHome });
    const threadId = (thread.result as { thread: { id: string } }).thread.id;
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "hi" }] });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "the turn");
    expect(s.notifications("thread/started")).toEqual([]);
    expect(s.notifications("item/agentMessage/delta")).toEqual([]);
    // The rest arrives as usual: the answer is on its completed item.
    const items = s.notifications("item/completed").map((m) => (m.params as { item: JsonObject }).item);
    expect(items.find((i) => i.type === "agentMessage")).toMatchObject({ text: "streamed answer" });
    expect(s.notifications("turn/started")).toHaveLength(1);
  });

  it("accepts capabilities: null and refuses a badly typed opt-out list naming the field", async () => {
    const s = start();
    const bad = await s.request("initialize", { clientInfo: { name: "x", version: "1" }, capabilities: { optOutNotificationMethods: "thread/started" } });
    expect(bad.error).toMatchObject({ code: -32602 });
    expect(bad.error!.message).toContain("capabilities.optOutNotificationMethods");
    const ok = await s.request("initialize", { clientInfo: { name: "x", version: "1" }, capabilities: null });
    expect(ok.error).toBeUndefined();
  });
});
