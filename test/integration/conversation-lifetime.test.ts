// How long a conversation lives and what its end does: closing or archiving drops queued turns,
// idle conversations release their rollout files, and one rollout is loaded once.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { created, cut, functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const tempDir = useTempDirs(afterEach);
const start = useServers(afterEach, expectOnlyJsonLines);

const touchCall = (marker: string) =>
  functionCallTurn({ callId: "call_touch", name: "shell", arguments: JSON.stringify({ command: ["touch", marker] }) });

/** A first turn whose stream never ends, and a second message queued behind it that would touch `marker`. */
async function busyWithQueuedTurn(marker: string) {
  const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
  model.enqueue(cut(textTurn("never finishes"), 1, "hang"), touchCall(marker), textTurn("touched"));
  const conversation = await openConversation(s);
  await say(s, conversation.conversationId, "hang");
  await s.waitFor(() => (model.requests.length === 1 ? true : undefined), 10_000, "the first model request");
  await say(s, conversation.conversationId, "touch the marker");
  return { s, ...conversation };
}

describe("queued turns", () => {
  it("are dropped, not started, at stdin EOF", async () => {
    const marker = path.join(tempDir(), "marker");
    const { s } = await busyWithQueuedTurn(marker);
    const exit = await s.closeStdin();
    expect(exit.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(model.requests).toHaveLength(1);
  });

  it("are dropped, not started, when the conversation is archived", async () => {
    const marker = path.join(tempDir(), "marker");
    const { s, conversationId, rolloutPath } = await busyWithQueuedTurn(marker);
    const archived = await s.request("archiveConversation", { conversationId, rolloutPath });
    expect(archived.error, s.stderr).toBeUndefined();
    expect(archived.result).toEqual({});
    expect((await s.request("getUserAgent")).result).toBeDefined();
    expect(existsSync(marker)).toBe(false);
    expect(model.requests).toHaveLength(1);
  });
});

function openFds(s: ServerProcess): number {
  return readdirSync(`/proc/${s.child.pid}/fd`).length;
}

async function loadedThreads(s: ServerProcess): Promise<string[]> {
  return ((await s.request("thread/loaded/list", {})).result as { data: string[] }).data;
}

describe.runIf(process.platform === "linux")("idle conversations", () => {
  it("hold no rollout file open: 200 new conversations leave the open fds near where they were", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    await openConversation(s);
    const baseline = openFds(s);
    for (let i = 0; i < 200; i++) expect((await s.request("newConversation", { cwd: process.cwd() })).error).toBeUndefined();
    await s.waitFor(() => (openFds(s) <= baseline + 5 ? true : undefined), 10_000, `open fds back near ${baseline} (now ${openFds(s)})`);
  });

  it("a conversation that released its rollout between turns appends the next turn to it", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("one"), textTurn("two"));
    const { conversationId, rolloutPath } = await openConversation(s);
    await say(s, conversationId, "first");
    await turnsEnded(s, 1);
    await say(s, conversationId, "second");
    await turnsEnded(s, 2);
    const agentMessages = () =>
      readFileSync(rolloutPath, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { payload: JsonObject }).payload)
        .filter((p) => p.type === "agent_message")
        .map((p) => p.message);
    // Lines are written just after the events that report them.
    const messages = await s.waitFor(() => (agentMessages().length >= 2 ? agentMessages() : undefined), 10_000, "both answers in the rollout");
    expect(messages).toEqual(["one", "two"]);
  });
});

/** Polls an async condition (requests to the server) until it holds. */
async function until(what: string, holds: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("unloading", () => {
  it("unloads idle conversations nobody listens to, and loads them again as they were when used", async () => {
    const s = await startInitialized(start, fakeProviderToml(model), { env: { CODEX_APP_SERVER_UNLOAD_IDLE_MS: "0" } });
    model.enqueue(textTurn("first answer"), textTurn("after reload"));
    const created = await s.request("newConversation", { cwd: process.cwd(), model: "kept-model" });
    const kept = (created.result as { conversationId: string }).conversationId;
    const sub = await s.request("addConversationListener", { conversationId: kept });
    const { subscriptionId } = sub.result as { subscriptionId: string };
    await say(s, kept, "remember me");
    await turnsEnded(s, 1);

    const unheard: string[] = [];
    for (let i = 0; i < 50; i++) unheard.push(((await s.request("newConversation", { cwd: process.cwd() })).result as { conversationId: string }).conversationId);
    // Only the conversation someone listens to stays loaded.
    await until("the unheard conversations to unload", async () => (await loadedThreads(s)).length === 1);
    expect(await loadedThreads(s)).toEqual([kept]);

    // Its listener goes: it unloads as well.
    expect((await s.request("removeConversationListener", { subscriptionId })).result).toEqual({});
    await until("the last conversation to unload", async () => (await loadedThreads(s)).length === 0);

    // Used again, it comes back with its history and the settings it had.
    expect((await s.request("addConversationListener", { conversationId: kept })).error).toBeUndefined();
    await say(s, kept, "still there?");
    await turnsEnded(s, 2);
    expect(events(s, "task_complete").at(-1)).toEqual({ type: "task_complete", last_agent_message: "after reload" });
    const second = model.requests[1]!.body as { model: string; input: JsonObject[] };
    expect(second.model).toBe("kept-model");
    expect(JSON.stringify(second.input)).toContain("remember me");
    expect(JSON.stringify(second.input)).toContain("first answer");

    // An unloaded conversation resumes by id.
    const resumed = await s.request("resumeConversation", { conversationId: unheard[0] });
    expect(resumed.result).toMatchObject({ conversationId: unheard[0] });
  });
});
