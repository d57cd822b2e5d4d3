// Several clients on one server (--listen ws://): per-connection handshake and user agent, thread
// events to subscribers only, a thread outliving its client, approvals routed to the turn's
// owner and then to another subscriber, bad frames, and 1,000 connections opened and dropped.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, manyDeltas, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import type { JsonObject } from "../support/rpc-peer.js";
import { useServers, type ServerProcess, type SpawnOptions } from "../support/server-process.js";
import { listening, UnixClient, WsClient, wsAddress, wsClient } from "../support/socket-client.js";
import { rssMb } from "../support/processes.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { approvalRequest, FAKE_ENV, fakeProviderToml, openConversation, say, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach);
const tempDir = useTempDirs(afterEach, "codex-share-");

function serve(options: SpawnOptions = {}): ServerProcess {
  return start(listening(["ws://127.0.0.1:0"], { configToml: fakeProviderToml(model, "", "untrusted"), ...options, env: { ...FAKE_ENV, ...options.env } }));
}

async function startThread(c: WsClient): Promise<string> {
  const res = await c.request("thread/start", { cwd: process.cwd() });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: { id: string } }).thread.id;
}

async function turn(c: WsClient, threadId: string, text: string): Promise<string> {
  const res = await c.request("turn/start", { threadId, input: [{ type: "text", text }] });
  expect(res.error).toBeUndefined();
  return (res.result as { turn: { id: string } }).turn.id;
}

function completedTurns(c: WsClient): string[] {
  return c.notifications("turn/completed").map((m) => ((m.params as JsonObject).turn as { id: string }).id);
}

async function turnCompleted(c: WsClient, turnId: string): Promise<void> {
  await c.waitFor(() => (completedTurns(c).includes(turnId) ? true : undefined), 15_000, `turn/completed for ${turnId}`);
}

function approvals(c: WsClient): JsonObject[] {
  return c.messages.filter((m) => m.method === "item/commandExecution/requestApproval" && "id" in m);
}

const touchCall = (marker: string) => functionCallTurn({ callId: "call_touch", name: "shell", arguments: JSON.stringify({ command: ["touch", marker] }) });

describe("two clients on one server", () => {
  it("each connection initializes on its own; the first client's name stays the originator", async () => {
    const s = serve();
    const a = await wsClient(s, "ide_one");
    const b = await wsClient(s, "ide_two");
    const agentOf = async (c: WsClient) => ((await c.request("getUserAgent")).result as { userAgent: string }).userAgent;
    expect(await agentOf(a)).toMatch(/^ide_one\/0\.169\.0 .*\(ide_one; 1\.0\.0\)$/);
    expect(await agentOf(b)).toMatch(/^ide_one\/0\.169\.0 .*\(ide_two; 1\.0\.0\)$/);
    // A third, uninitialized connection is gated on its own.
    const { url, token } = await wsAddress(s);
    const c = await WsClient.connect(url, { authorization: `Bearer ${token}` });
    expect((await c.request("getUserAgent")).error).toMatchObject({ code: -32600, message: "Not initialized" });
    expect((await b.request("initialize", { clientInfo: { name: "again", title: null, version: "1" } })).error).toBeDefined();
  });

  it("thread/started goes to every client; turn and item events only to the clients that follow the thread", async () => {
    const s = serve();
    const a = await wsClient(s, "ide_a");
    const b = await wsClient(s, "ide_b");
    const threadId = await startThread(a);
    await b.waitFor(() => b.notifications("thread/started")[0], 10_000, "thread/started on b");

    model.enqueue(textTurn("first answer"));
    const first = await turn(a, threadId, "hello");
    await turnCompleted(a, first);
    expect(a.notifications("item/agentMessage/delta").length).toBeGreaterThan(0);
    // b sees nothing of a thread it does not follow (its answer comes after any event for it).
    expect((await b.request("getUserAgent")).result).toBeDefined();
    expect(b.notifications("turn/started")).toEqual([]);
    expect(b.notifications("item/agentMessage/delta")).toEqual([]);

    // b resumes the loaded thread: it follows it from now on, and so does a.
    const resumed = await b.request("thread/resume", { threadId });
    expect((resumed.result as { thread: { id: string } }).thread.id).toBe(threadId);
    model.enqueue(textTurn("second answer"));
    const second = await turn(b, threadId, "again");
    await turnCompleted(b, second);
    await turnCompleted(a, second);
  });

  it("thread/unsubscribe stops one client's events; the thread stays loaded until its last follower leaves", async () => {
    const s = serve();
    const a = await wsClient(s, "ide_a");
    const b = await wsClient(s, "ide_b");
    const threadId = await startThread(a);
    await b.request("thread/resume", { threadId });
    expect((await b.request("thread/unsubscribe", { threadId })).result).toEqual({ status: "unsubscribed" });
    expect((await b.request("thread/unsubscribe", { threadId })).result).toEqual({ status: "notSubscribed" });
    model.enqueue(textTurn("only for a"));
    await turnCompleted(a, await turn(a, threadId, "hello"));
    expect((await b.request("thread/loaded/list", {})).result).toMatchObject({ data: [threadId] });
    expect(b.notifications("turn/completed")).toEqual([]);

    expect((await a.request("thread/unsubscribe", { threadId })).result).toEqual({ status: "unsubscribed" });
    await a.waitFor(() => a.notifications("thread/closed")[0], 10_000, "thread/closed");
    expect((await a.request("thread/loaded/list", {})).result).toMatchObject({ data: [] });
  });

  it("a thread outlives its client: a second client resumes it while loaded and runs a turn", async () => {
    const s = serve();
    const a = await wsClient(s, "ide_a");
    const threadId = await startThread(a);
    model.enqueue(textTurn("before"));
    await turnCompleted(a, await turn(a, threadId, "one"));
    await a.close();

    const b = await wsClient(s, "ide_b");
    expect((await b.request("thread/loaded/list", {})).result).toMatchObject({ data: [threadId] });
    const resumed = await b.request("thread/resume", { threadId });
    expect((resumed.result as { thread: { turns: unknown[] } }).thread.turns).toHaveLength(1);
    model.enqueue(textTurn("after"));
    await turnCompleted(b, await turn(b, threadId, "two"));
    expect(model.requests).toHaveLength(2);
  });

  it("an approval goes to the client that started the turn; when it leaves mid-approval, another subscriber is asked", async () => {
    const marker = path.join(tempDir(), "marker");
    const s = serve();
    const a = await wsClient(s, "ide_a");
    const b = await wsClient(s, "ide_b");
    const threadId = await startThread(a);
    await b.request("thread/resume", { threadId });
    model.enqueue(touchCall(marker));
    model.enqueue(textTurn("touched"));
    const turnId = await turn(b, threadId, "touch it");
    await b.waitFor(() => approvals(b)[0], 15_000, "the approval on the turn's owner");
    expect(approvals(a)).toEqual([]);

    await b.close();
    const ask = await a.waitFor(() => approvals(a)[0], 15_000, "the approval handed to the other subscriber");
    a.send({ id: ask.id as number, result: { decision: "accept" } });
    await turnCompleted(a, turnId);
    expect(existsSync(marker)).toBe(true);
  });

  it("with every client gone, a pending approval counts as declined after the grace period; the turn goes on", async () => {
    const marker = path.join(tempDir(), "marker");
    const s = serve({ env: { CODEX_APP_SERVER_APPROVAL_GRACE_MS: "300" } });
    const a = await wsClient(s, "ide_a");
    const threadId = await startThread(a);
    model.enqueue(touchCall(marker));
    model.enqueue(textTurn("not touched"));
    await turn(a, threadId, "touch it");
    await a.waitFor(() => approvals(a)[0], 15_000, "the approval");
    await a.close();

    const b = await wsClient(s, "ide_b");
    // The declined command's output reaches the model: its second request.
    await b.waitFor(() => (model.requests.length >= 2 ? true : undefined), 15_000, "the model's second request");
    expect(JSON.stringify(model.requests[1]!.body)).toMatch(/call_touch/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("v1 over a Unix socket", () => {
  it("an execCommandApproval goes to the listener that sent the turn, not to the other listener", async () => {
    const marker = path.join(tempDir(), "marker");
    const sock = path.join(tempDir(), "app.sock");
    const s = start(listening([`unix://${sock}`], { configToml: fakeProviderToml(model, "", "untrusted"), env: FAKE_ENV }));
    await s.stderrMatch(/listening on: unix:\/\//);
    const a = await UnixClient.connect(sock);
    const b = await UnixClient.connect(sock);
    await a.initialize("v1_a", "1");
    await b.initialize("v1_b", "1");
    const { conversationId } = await openConversation(a);
    expect((await b.request("addConversationListener", { conversationId })).result).toMatchObject({ subscriptionId: expect.any(String) });
    model.enqueue(touchCall(marker));
    model.enqueue(textTurn("touched"));
    await say(b, conversationId, "touch it");
    const ask = await approvalRequest(b);
    expect(a.messages.filter((m) => m.method === "execCommandApproval")).toEqual([]);
    b.send({ id: ask.id as number, result: { decision: "approved" } });
    // Both listeners see the turn end.
    for (const c of [a, b]) await c.waitFor(() => c.notifications("codex/event/task_complete")[0], 15_000, "task_complete");
    expect(existsSync(marker)).toBe(true);
  });
});

describe("a WebSocket client that stops reading", () => {
  it("paces only its own thread's turn: another client's turn completes meanwhile, and the slow one gets every delta once it reads", async () => {
    const s = serve();
    const slow = await wsClient(s, "slow");
    const quick = await wsClient(s, "quick");
    const slowThread = await startThread(slow);
    const quickThread = await startThread(quick);
    const DELTAS = 50_000;
    model.enqueue(manyDeltas(DELTAS, "0123456789".repeat(40)));
    const flood = await turn(slow, slowThread, "flood me");
    await slow.waitFor(() => slow.notifications("item/agentMessage/delta")[0], 10_000, "the first delta");
    // The client's socket stops reading: its TCP window fills, then the server's ws buffer.
    const raw = (slow.socket as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();
    model.enqueue(textTurn("meanwhile"));
    await turnCompleted(quick, await turn(quick, quickThread, "hello"));
    // Measured from here: every module a turn needs is loaded by now.
    const before = rssMb(s.child.pid!);
    let peak = before;
    // Long enough for a server that does not wait to buffer tens of MB (the stdio test measured +95 MB in 3 s).
    for (let i = 0; i < 30; i++) {
      await delay(100);
      peak = Math.max(peak, rssMb(s.child.pid!));
    }
    raw.resume();
    await slow.waitFor(() => (completedTurns(slow).includes(flood) ? true : undefined), 60_000, "the flood turn to complete");
    expect(slow.notifications("item/agentMessage/delta")).toHaveLength(DELTAS);
    // Generous: paced, the server grows by a few MB; buffering the turn (~60 MB of JSON) grows far more.
    expect(peak - before, `RSS ${before.toFixed(1)} MB -> peak ${peak.toFixed(1)} MB`).toBeLessThan(40);
    // Thread events reach only the thread's client.
    expect(quick.notifications("item/agentMessage/delta")).toHaveLength(1);
  }, 90_000);
});

describe("bad input on a WebSocket", () => {
  it("a binary frame is answered with -32600 and the connection goes on; an oversized frame closes only its connection (1009)", async () => {
    const s = serve({ env: { CODEX_APP_SERVER_MAX_FRAME_BYTES: "4096" } });
    const a = await wsClient(s, "ide_a");
    const b = await wsClient(s, "ide_b");
    a.socket.send(Buffer.from(JSON.stringify({ id: 99, method: "getUserAgent" })));
    const refusal = await a.waitFor(() => a.messages.find((m) => m.id === null && "error" in m), 10_000, "the binary refusal");
    expect(refusal.error).toMatchObject({ code: -32600, message: expect.stringMatching(/binary frames are not accepted/) });
    expect((await a.request("getUserAgent")).result).toBeDefined();

    a.send({ id: 100, method: "getUserAgent", params: { pad: "x".repeat(10_000) } });
    expect((await a.closed).code).toBe(1009);
    expect((await b.request("getUserAgent")).result).toBeDefined();
  });

  it("1,000 connections opened and dropped leave the server's descriptors at baseline and other clients served", async () => {
    const s = serve();
    const keeper = await wsClient(s, "keeper");
    const fds = () => readdirSync(`/proc/${s.child.pid}/fd`).length;
    const baseline = fds();
    const { url, token } = await wsAddress(s);
    for (let batch = 0; batch < 10; batch++) {
      const clients = await Promise.all(Array.from({ length: 100 }, () => WsClient.connect(url, { authorization: `Bearer ${token}` })));
      // Some initialize and ask, some only connect; half close cleanly, half vanish.
      await Promise.all(clients.slice(0, 10).map((c) => c.initialize("burst", "1")));
      clients.forEach((c, i) => (i % 2 === 0 ? c.socket.close() : c.socket.terminate()));
      await Promise.all(clients.map((c) => c.closed));
    }
    expect((await keeper.request("getUserAgent")).result).toBeDefined();
    await keeper.waitFor(() => (fds() <= baseline + 2 ? true : undefined), 15_000, `descriptors back to ${baseline}`);
  });
});
