// Several clients on one server (--listen ws://): each thread's model requests name the client that
// started (or loaded) it, which Thread.originator and the rollout report; thread/status/changed
// goes once per change to every v2 client, followers or not, and not to v1-only clients.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer, type RecordedRequest } from "../support/fake-model-server.js";
import type { JsonObject } from "../support/rpc-peer.js";
import { useServers, type ServerProcess, type SpawnOptions } from "../support/server-process.js";
import { listening, WsClient, wsClient } from "../support/socket-client.js";
import { FAKE_ENV, fakeProviderToml, openConversation, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach);

function serve(options: SpawnOptions = {}): ServerProcess {
  return start(listening(["ws://127.0.0.1:0"], { configToml: fakeProviderToml(model, "", "never"), ...options, env: { ...FAKE_ENV, ...options.env } }));
}

async function startThread(c: WsClient): Promise<{ id: string; originator: string | null }> {
  const res = await c.request("thread/start", { cwd: process.cwd() });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: { id: string; originator: string | null } }).thread;
}

async function runTurn(c: WsClient, threadId: string, text: string): Promise<string> {
  model.enqueue(textTurn(`answer to ${text}`));
  const res = await c.request("turn/start", { threadId, input: [{ type: "text", text }] });
  expect(res.error).toBeUndefined();
  const turnId = (res.result as { turn: { id: string } }).turn.id;
  await c.waitFor(
    () => c.notifications("turn/completed").find((m) => ((m.params as JsonObject).turn as { id: string }).id === turnId),
    15_000,
    `turn/completed ${turnId}`,
  );
  return turnId;
}

function requestsOf(threadId: string): RecordedRequest[] {
  return model.requests.filter((r) => r.headers.session_id === threadId);
}

function statusesOf(c: WsClient, threadId: string): string[] {
  return c
    .notifications("thread/status/changed")
    .map((m) => m.params as { threadId: string; status: { type: string } })
    .filter((p) => p.threadId === threadId)
    .map((p) => p.status.type);
}

const listed = async (c: WsClient) =>
  new Map(((await c.request("thread/list", {})).result as { data: { id: string; originator: string | null }[] }).data.map((t) => [t.id, t.originator]));

describe("a thread names the client that started it", () => {
  it("each thread's model requests carry its own client's originator and User-Agent; Thread.originator and the rollout say the same", async () => {
    const s = serve();
    const one = await wsClient(s, "ide_one");
    const two = await wsClient(s, "ide_two");
    const first = await startThread(one);
    const second = await startThread(two);
    expect(first.originator).toBe("ide_one");
    expect(second.originator).toBe("ide_two");
    await runTurn(two, second.id, "from two");
    await runTurn(one, first.id, "from one");

    const [a] = requestsOf(first.id);
    const [b] = requestsOf(second.id);
    expect(a!.headers.originator).toBe("ide_one");
    expect(a!.headers["user-agent"]).toMatch(/^ide_one\/0\.169\.0 .*\(ide_one; 1\.0\.0\)$/);
    expect(b!.headers.originator).toBe("ide_two");
    expect(b!.headers["user-agent"]).toMatch(/^ide_two\/0\.169\.0 .*\(ide_two; 1\.0\.0\)$/);
    // The process originator (getUserAgent's head) stays the first client's.
    expect(((await two.request("getUserAgent")).result as { userAgent: string }).userAgent).toMatch(/^ide_one\/.*\(ide_two; 1\.0\.0\)$/);
    // thread/list reads the rollouts' session_meta.
    const third = await wsClient(s, "ide_three");
    const originators = await listed(third);
    expect(originators.get(first.id)).toBe("ide_one");
    expect(originators.get(second.id)).toBe("ide_two");
  });

  it("a thread loaded again from disk names the client that resumed it; its rollout keeps the starter", async () => {
    const s = serve();
    const one = await wsClient(s, "ide_one");
    const thread = await startThread(one);
    await runTurn(one, thread.id, "before");
    expect((await one.request("thread/unsubscribe", { threadId: thread.id })).result).toEqual({ status: "unsubscribed" });
    await one.waitFor(() => one.notifications("thread/closed")[0], 10_000, "thread/closed");

    const two = await wsClient(s, "ide_two");
    const resumed = await two.request("thread/resume", { threadId: thread.id });
    expect((resumed.result as { thread: { originator: string } }).thread.originator).toBe("ide_one");
    await runTurn(two, thread.id, "after");
    const [before, after] = requestsOf(thread.id);
    expect(before!.headers.originator).toBe("ide_one");
    expect(after!.headers.originator).toBe("ide_two");
    expect(after!.headers["user-agent"]).toMatch(/^ide_two\/.*\(ide_two; 1\.0\.0\)$/);
  });

  it("the env override still names every thread; each keeps its own client in the User-Agent", async () => {
    const s = serve({ env: { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "forced_origin" } });
    const one = await wsClient(s, "ide_one");
    const two = await wsClient(s, "ide_two");
    const first = await startThread(one);
    const second = await startThread(two);
    expect([first.originator, second.originator]).toEqual(["forced_origin", "forced_origin"]);
    await runTurn(one, first.id, "one");
    await runTurn(two, second.id, "two");
    const [a] = requestsOf(first.id);
    const [b] = requestsOf(second.id);
    expect([a!.headers.originator, b!.headers.originator]).toEqual(["forced_origin", "forced_origin"]);
    expect(a!.headers["user-agent"]).toMatch(/^forced_origin\/.*\(ide_one; 1\.0\.0\)$/);
    expect(b!.headers["user-agent"]).toMatch(/^forced_origin\/.*\(ide_two; 1\.0\.0\)$/);
  });
});

describe("thread/status/changed goes to every v2 client", () => {
  it("once per change, to followers and to a client that does not follow the thread; before the turn events; v1-only clients get none", async () => {
    const s = serve();
    const owner = await wsClient(s, "ide_owner");
    const follower = await wsClient(s, "ide_follower");
    const watcher = await wsClient(s, "ide_watcher");
    const v1 = await wsClient(s, "v1_ide");
    await openConversation(v1);
    const thread = await startThread(owner);
    await follower.request("thread/resume", { threadId: thread.id });
    await runTurn(owner, thread.id, "hello");
    await follower.waitFor(() => (statusesOf(follower, thread.id).includes("idle") ? true : undefined), 10_000, "idle on the follower");
    await watcher.waitFor(() => (statusesOf(watcher, thread.id).includes("idle") ? true : undefined), 10_000, "idle on the watcher");

    for (const c of [owner, follower, watcher]) expect(statusesOf(c, thread.id)).toEqual(["active", "idle"]);
    // The watcher follows nothing: no turn events.
    expect(watcher.notifications("turn/started")).toEqual([]);
    // As the reference: active before turn/started, idle before turn/completed, for every follower.
    for (const c of [owner, follower]) {
      const order = c.messages
        .filter((m) => m.method === "thread/status/changed" || m.method === "turn/started" || m.method === "turn/completed")
        .map((m) => (m.method === "thread/status/changed" ? ((m.params as JsonObject).status as { type: string }).type : m.method));
      expect(order).toEqual(["active", "turn/started", "idle", "turn/completed"]);
    }

    // Unloading is a status change too: notLoaded reaches the watcher, thread/closed only those shown the thread.
    await follower.request("thread/unsubscribe", { threadId: thread.id });
    await owner.request("thread/unsubscribe", { threadId: thread.id });
    await watcher.waitFor(() => (statusesOf(watcher, thread.id).includes("notLoaded") ? true : undefined), 10_000, "notLoaded on the watcher");
    expect(statusesOf(watcher, thread.id)).toEqual(["active", "idle", "notLoaded"]);
    expect(watcher.notifications("thread/closed")).toEqual([]);
    // The v1 client answers after anything sent before; it never heard a v2 status.
    expect((await v1.request("getUserAgent")).result).toBeDefined();
    expect(v1.notifications("thread/status/changed")).toEqual([]);
  });
});
