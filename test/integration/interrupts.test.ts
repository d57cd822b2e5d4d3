// Interrupts a client sends: during an unanswered approval (it resolves as abort at once, the
// interrupt is answered, the turn ends aborted, a late answer changes nothing) and with a stale id.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cut, functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { approvalRequest, events, fakeProviderToml, openConversation, say, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach);

const touchCall = (marker: string) =>
  functionCallTurn({ callId: "call_touch", name: "shell", arguments: JSON.stringify({ command: ["touch", marker] }) });

describe("interrupt during a pending approval", () => {
  it("v1: interruptConversation is answered, the turn ends turn_aborted, and a late approval runs nothing", async () => {
    const marker = path.join(tempDir(), "marker");
    const s = await startInitialized(start, fakeProviderToml(model, "", "untrusted"));
    model.enqueue(touchCall(marker));
    const { conversationId } = await openConversation(s);
    await say(s, conversationId, "touch it");
    const ask = await approvalRequest(s);
    const reply = await s.request("interruptConversation", { conversationId });
    expect(reply.result).toEqual({ abortReason: "interrupted" });
    expect(events(s, "turn_aborted")).toEqual([{ type: "turn_aborted", reason: "interrupted" }]);
    // The client is told to drop its dialog.
    expect(s.messages.some((m) => m.method === "$/cancelRequest" && (m.params as JsonObject).id === ask.id)).toBe(true);
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect(existsSync(marker)).toBe(false);
    expect(events(s, "exec_command_end")).toEqual([]);
    expect(model.requests).toHaveLength(1);
  });

  it("v2: turn/interrupt is answered and the turn completes interrupted; a late accept runs nothing", async () => {
    const marker = path.join(tempDir(), "marker");
    const s = await startInitialized(start, fakeProviderToml(model, "", "untrusted"));
    model.enqueue(touchCall(marker));
    const started = await s.request("thread/start", { cwd: process.cwd() });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    const turn = await s.request("turn/start", { threadId, input: [{ type: "text", text: "touch it" }] });
    const turnId = (turn.result as { turn: { id: string } }).turn.id;
    const ask = await s.waitFor(
      () => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m),
      15_000,
      "an approval request",
    );
    const interrupted = await s.request("turn/interrupt", { threadId, turnId });
    expect(interrupted.result).toEqual({});
    await s.waitFor(() => s.notifications("turn/completed")[0], 5_000, "turn/completed");
    const completed = s.notifications("turn/completed").map((m) => (m.params as { turn: JsonObject }).turn);
    expect(completed).toMatchObject([{ id: turnId, status: "interrupted" }]);
    // As 0.169: the reply first, the turn's end right behind it.
    expect(s.messages.indexOf(s.notifications("turn/completed")[0]!)).toBeGreaterThan(s.messages.indexOf(interrupted as never));
    // The withdrawn question is announced as resolved, so the client takes its prompt down.
    await s.waitFor(() => s.notifications("serverRequest/resolved")[0], 5_000, "serverRequest/resolved");
    expect(s.notifications("serverRequest/resolved").map((m) => m.params)).toEqual([{ threadId, requestId: ask.id }]);
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect(existsSync(marker)).toBe(false);
    expect(model.requests).toHaveLength(1);
  });
});

describe("turn/interrupt", () => {
  it("refuses a turnId that is not the running turn, and an idle thread, leaving the turn alone", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(cut(textTurn("never finishes"), 1, "hang"));
    const started = await s.request("thread/start", { cwd: process.cwd() });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "hang" }] });
    const turnStarted = await s.waitFor(() => s.notifications("turn/started")[0], 10_000, "turn/started");
    const turnId = (turnStarted.params as { turn: { id: string } }).turn.id;
    const stale = await s.request("turn/interrupt", { threadId, turnId: "7" });
    expect(stale.error).toEqual({ code: -32600, message: `expected active turn id 7 but found ${turnId}` });
    expect(s.notifications("turn/completed")).toEqual([]);
    expect((await s.request("turn/interrupt", { threadId, turnId })).result).toEqual({});
    expect(s.notifications("turn/completed").map((m) => (m.params as { turn: JsonObject }).turn.status)).toEqual(["interrupted"]);
    const idle = await s.request("turn/interrupt", { threadId, turnId });
    expect(idle.error).toEqual({ code: -32600, message: "no active turn to interrupt" });
  });
});
