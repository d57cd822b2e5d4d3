// Several clients on one server (--listen ws://): each thread's model requests name the client that
// started (or loaded) it, which Thread.originator and the rollout report.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer, type RecordedRequest } from "../support/fake-model-server.js";
import type { JsonObject } from "../support/rpc-peer.js";
import { useServers, type ServerProcess, type SpawnOptions } from "../support/server-process.js";
import { listening, WsClient, wsClient } from "../support/socket-client.js";
import { FAKE_ENV, fakeProviderToml, useFakeModel } from "../support/v1-session.js";

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
