// Where a turn's sandbox policy comes from and where a client can see it: config's sandbox_mode +
// [sandbox_workspace_write], thread/start's and newConversation's `sandbox`, turn/start's and
// sendUserTurn's `sandboxPolicy` (kept for later turns), thread/start's `sandbox` result and the
// rollout's turn_context.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { events, fakeProviderToml, openConversation, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

// sandbox_mode is a top-level key: it goes before the provider's table.
const workspaceToml = (m: FakeModelServer) => `sandbox_mode = "workspace-write"
${fakeProviderToml(m)}
[sandbox_workspace_write]
writable_roots = ["/srv/extra"]
network_access = true
exclude_slash_tmp = true
`;

/** The rollout's turn_context payloads, once it holds `count` of them (lines are written asynchronously). */
async function turnContexts(s: ServerProcess, rolloutPath: string, count: number): Promise<JsonObject[]> {
  return s.waitFor(() => {
    const found = contextsNow(rolloutPath);
    return found.length >= count ? found : undefined;
  }, 15_000, `${count} turn_context lines`);
}

function contextsNow(rolloutPath: string): JsonObject[] {
  return readFileSync(rolloutPath, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; payload: JsonObject })
    .filter((l) => l.type === "turn_context")
    .map((l) => l.payload);
}

async function threadStart(s: ServerProcess, params: JsonObject = {}): Promise<JsonObject> {
  const res = await s.request("thread/start", { cwd: process.cwd(), ...params });
  expect(res.error).toBeUndefined();
  return res.result as JsonObject;
}

async function turnsCompleted(s: ServerProcess, count: number): Promise<void> {
  await s.waitFor(() => (s.notifications("turn/completed").length >= count ? true : undefined), 15_000, `${count} turn/completed`);
}

describe("v2: the sandbox policy of a thread", () => {
  it("reports config's workspace-write table in full in thread/start's result", async () => {
    const s = await startInitialized(start, workspaceToml(model));
    const result = await threadStart(s);
    expect(result.sandbox).toEqual({
      type: "workspaceWrite",
      writableRoots: ["/srv/extra"],
      networkAccess: true,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: true,
    });
  });

  it("thread/start's sandbox mode overrides config's", async () => {
    const s = await startInitialized(start, workspaceToml(model));
    expect((await threadStart(s, { sandbox: "read-only" })).sandbox).toEqual({ type: "readOnly", networkAccess: false });
    expect((await threadStart(s, { sandbox: "danger-full-access" })).sandbox).toEqual({ type: "dangerFullAccess" });
  });

  it("turn/start's sandboxPolicy is recorded in full and kept for the next turn", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("one"), textTurn("two"));
    const result = await threadStart(s);
    expect(result.sandbox).toEqual({ type: "readOnly", networkAccess: false });
    const thread = result.thread as { id: string; path: string };
    const policy = { type: "workspaceWrite", writableRoots: ["/srv/a"], networkAccess: true, excludeTmpdirEnvVar: true };
    const first = await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "a" }], sandboxPolicy: policy });
    expect(first.error).toBeUndefined();
    await turnsCompleted(s, 1);
    const second = await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "b" }] });
    expect(second.error).toBeUndefined();
    await turnsCompleted(s, 2);
    const want = { type: "workspace-write", writable_roots: ["/srv/a"], network_access: true, exclude_tmpdir_env_var: true };
    const contexts = await turnContexts(s, thread.path, 2);
    for (const context of contexts) expect(context.sandbox_policy).toEqual(want);
  });

  it("turn/start with a sandboxPolicy of unknown type is a clear invalid-params error, and the thread goes on", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("fine"));
    const thread = (await threadStart(s)).thread as { id: string };
    const bad = await s.request("turn/start", { threadId: thread.id, input: [], sandboxPolicy: { type: "everything" } });
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain("sandboxPolicy");
    const good = await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "hi" }] });
    expect(good.error).toBeUndefined();
    await turnsCompleted(s, 1);
  });
});

describe("v1: the sandbox policy of a conversation", () => {
  it("newConversation's sandbox mode, then sendUserTurn's sandboxPolicy, reach the rollout in full", async () => {
    const s = await startInitialized(start, workspaceToml(model));
    model.enqueue(textTurn("one"), textTurn("two"));
    const { conversationId, rolloutPath } = await openConversation(s, { sandbox: "danger-full-access" });
    const msg = await s.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "a" } }] });
    expect(msg.error).toBeUndefined();
    await turnsEnded(s, 1);
    const policy = { type: "workspace-write", writable_roots: ["/srv/b"], network_access: false, exclude_slash_tmp: true };
    const turn = await s.request("sendUserTurn", {
      conversationId,
      items: [{ type: "text", data: { text: "b" } }],
      cwd: process.cwd(),
      approvalPolicy: "never",
      sandboxPolicy: policy,
      model: "test-model",
      summary: "auto",
    });
    expect(turn.error).toBeUndefined();
    await turnsEnded(s, 2);
    expect(events(s, "task_complete")).toHaveLength(2);
    expect((await turnContexts(s, rolloutPath, 2)).map((c) => c.sandbox_policy)).toEqual([{ type: "danger-full-access" }, policy]);
  });
});
