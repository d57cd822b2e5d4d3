// v2 turn ids are UUIDv7, as 0.169's: unique across threads and processes, so a client running
// several threads never sends an approval or an interrupt to the wrong turn. (v1 keeps 0.90's
// per-conversation "0", "1", …: see v1-conversation.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function threadAndTurn(s: ServerProcess, prompt: string): Promise<{ threadId: string; turnId: string }> {
  const thread = await s.request("thread/start", { cwd: s.codexHome });
  const threadId = (thread.result as { thread: { id: string } }).thread.id;
  const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: prompt }] });
  const turnId = (turn.result as { turn: { id: string } }).turn.id;
  expect(turnId).toMatch(UUID_V7);
  return { threadId, turnId };
}

const asks = (s: ServerProcess) => s.messages.filter((m) => m.method === "item/commandExecution/requestApproval" && "id" in m);

describe("turn ids", () => {
  it("differ between two threads of one process, and each approval names its own thread's turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, "", "untrusted"));
    const call = (id: string) => functionCallTurn({ callId: id, name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo hi > /dev/null"] }) });
    model.enqueue(call("call_a"));
    const a = await threadAndTurn(s, "first thread");
    const askA = await s.waitFor(() => asks(s)[0], 15_000, "thread A's approval");
    model.enqueue(call("call_b"), textTurn("done"), textTurn("done"));
    const b = await threadAndTurn(s, "second thread");
    const askB = await s.waitFor(() => asks(s)[1], 15_000, "thread B's approval");
    expect(b.turnId).not.toBe(a.turnId);
    expect(askA.params).toMatchObject({ threadId: a.threadId, turnId: a.turnId, itemId: "call_a" });
    expect(askB.params).toMatchObject({ threadId: b.threadId, turnId: b.turnId, itemId: "call_b" });
    s.send({ id: askB.id as number, result: { decision: "accept" } });
    s.send({ id: askA.id as number, result: { decision: "decline" } });
    await s.waitFor(() => (s.notifications("turn/completed").length === 2 ? true : undefined), 15_000, "both turns");
    const done = s.notifications("turn/completed").map((m) => m.params as { threadId: string; turn: JsonObject });
    const ofThread = (id: string) => done.find((p) => p.threadId === id)!.turn;
    expect(ofThread(a.threadId)).toMatchObject({ id: a.turnId, status: "completed" });
    expect(ofThread(b.threadId)).toMatchObject({ id: b.turnId, status: "completed" });
    // Every turn-scoped notification carries its own thread's turn id.
    for (const m of s.messages.filter((m) => /^(turn|item)\//.test(String(m.method)))) {
      const p = m.params as { threadId: string; turnId?: string; turn?: { id: string } };
      expect(p.turnId ?? p.turn?.id).toBe(p.threadId === a.threadId ? a.turnId : b.turnId);
    }
    // A's command was declined, B's ran.
    const commands = s.notifications("item/completed").map((m) => (m.params as { item: JsonObject }).item).filter((i) => i.type === "commandExecution");
    expect(commands.map((c) => [c.id, c.status]).sort()).toEqual([["call_a", "declined"], ["call_b", "completed"]]);
  });

  it("differ between processes", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startInitialized(start, fakeProviderToml(model));
      model.enqueue(textTurn("hi"));
      ids.push((await threadAndTurn(s, "hello")).turnId);
      await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "the turn");
    }
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("survive a restart: thread/read and thread/resume in a new process show the ids the client saw, with their times", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("one"), textTurn("two"));
    const first = await threadAndTurn(s, "first");
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "the first turn");
    const second = (await s.request("turn/start", { threadId: first.threadId, input: [{ type: "text", text: "second" }] })).result as { turn: { id: string } };
    await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "the second turn");
    const seen = s.notifications("turn/completed").map((m) => (m.params as { turn: JsonObject }).turn);
    await s.closeStdin();

    const again = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const read = (await again.request("thread/read", { threadId: first.threadId, includeTurns: true })).result as { thread: { turns: JsonObject[] } };
    expect(read.thread.turns.map((t) => t.id)).toEqual([first.turnId, second.turn.id]);
    for (const [i, turn] of read.thread.turns.entries()) {
      // The times recorded when the turn ran, as its turn/completed said.
      expect(turn).toMatchObject({ status: "completed", itemsView: "full", startedAt: seen[i]!.startedAt, completedAt: seen[i]!.completedAt });
      expect(turn.durationMs).toBeGreaterThanOrEqual(0);
    }
    const resumed = (await again.request("thread/resume", { threadId: first.threadId })).result as { thread: { turns: JsonObject[] } };
    expect(resumed.thread.turns.map((t) => t.id)).toEqual([first.turnId, second.turn.id]);
  });
});
