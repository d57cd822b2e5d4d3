// apply_patch as a v2 client sees it: fileChange items (inProgress → completed | failed |
// declined), item/fileChange/outputDelta, item/fileChange/requestApproval and
// turn/diff/updated; and the fileChange items a resumed thread shows.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { customToolCallTurn, functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "apply-patch-v2-");

const toml = (policy: string) =>
  `sandbox_mode = "workspace-write"\n${fakeProviderToml(model, "\n[sandbox_workspace_write]\nexclude_slash_tmp = true\nexclude_tmpdir_env_var = true\n\n[features]\napply_patch_freeform = true\n", policy)}`;

const v2 = (s: ServerProcess, method: string) => s.notifications(method).map((m) => m.params as JsonObject);
const fileChangeItems = (s: ServerProcess, method: "item/started" | "item/completed") =>
  v2(s, method)
    .map((p) => p.item as JsonObject)
    .filter((i) => i.type === "fileChange");

async function startThread(s: ServerProcess, cwd: string): Promise<JsonObject> {
  const res = await s.request("thread/start", { cwd });
  expect(res.error).toBeUndefined();
  return (res.result as { thread: JsonObject }).thread;
}

/** Runs a turn to its end; returns the turn's id (a UUIDv7, as 0.169). */
async function turn(s: ServerProcess, threadId: unknown, count = 1): Promise<string> {
  const res = await s.request("turn/start", { threadId, input: [{ type: "text", text: "edit" }] });
  expect(res.error).toBeUndefined();
  await s.waitFor(() => (v2(s, "turn/completed").length >= count ? true : undefined), 15_000, `${count} turn/completed`);
  return (res.result as { turn: { id: string } }).turn.id;
}

const PATCH = "*** Begin Patch\n*** Add File: b.txt\n+bee\n*** Update File: a.txt\n@@\n-one\n+ONE\n*** End Patch";

describe("v2 fileChange items", () => {
  it("an applied patch is a fileChange item with its changes, its output, then the turn's diff", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.txt"), "one\n");
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: PATCH }), textTurn("done"));
    const thread = await startThread(s, dir);
    const turnId = await turn(s, thread.id);

    const changes = [
      { path: path.join(dir, "a.txt"), kind: { type: "update", move_path: null }, diff: "@@ -1 +1 @@\n-one\n+ONE\n" },
      { path: path.join(dir, "b.txt"), kind: { type: "add" }, diff: "bee\n" },
    ];
    const [startedItem] = fileChangeItems(s, "item/started");
    expect(startedItem).toEqual({ type: "fileChange", id: "p1", changes, status: "inProgress", startedAtMs: expect.any(Number), completedAtMs: null });
    expect(fileChangeItems(s, "item/completed")).toEqual([
      { type: "fileChange", id: "p1", changes, status: "completed", startedAtMs: startedItem!.startedAtMs, completedAtMs: expect.any(Number) },
    ]);
    expect(v2(s, "item/fileChange/outputDelta")).toEqual([
      { threadId: thread.id, turnId, itemId: "p1", delta: "Success. Updated the following files:\nA b.txt\nM a.txt\n" },
    ]);
    const [diff] = v2(s, "turn/diff/updated");
    expect(diff).toMatchObject({ threadId: thread.id, turnId });
    expect(diff!.diff).toContain("diff --git a/a.txt b/a.txt");
    expect(diff!.diff).toContain("-one\n+ONE\n");
    expect(diff!.diff).toContain("+++ b/b.txt");
    // Shown in order: item started, its output, item completed, then the diff.
    const methods = s.messages.map((m) => m.method).filter((m) => m === "item/fileChange/outputDelta" || m === "turn/diff/updated");
    expect(methods).toEqual(["item/fileChange/outputDelta", "turn/diff/updated"]);
    expect(readFileSync(path.join(dir, "b.txt"), "utf8")).toBe("bee\n");
  });

  it("item/fileChange/requestApproval: decline leaves the tree untouched (declined item), accept applies", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.txt"), "one\n");
    const s = await startInitialized(start, toml("untrusted"));
    model.enqueue(
      customToolCallTurn({ callId: "p1", name: "apply_patch", input: PATCH }),
      customToolCallTurn({ callId: "p2", name: "apply_patch", input: PATCH }),
      textTurn("done"),
    );
    const thread = await startThread(s, dir);
    const res = await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "edit" }] });
    expect(res.error).toBeUndefined();
    const asks = (n: number) =>
      s.waitFor(
        () => s.messages.filter((m) => m.method === "item/fileChange/requestApproval" && "id" in m)[n],
        15_000,
        `file change approval ${n}`,
      );
    const first = await asks(0);
    const turnId = (res.result as { turn: { id: string } }).turn.id;
    expect(first.params).toEqual({ threadId: thread.id, turnId, itemId: "p1", reason: null, grantRoot: null, startedAtMs: expect.any(Number) });
    // The item is shown (inProgress) while the client decides.
    expect(fileChangeItems(s, "item/started")).toEqual([expect.objectContaining({ id: "p1", status: "inProgress" })]);
    s.send({ id: first.id as number, result: { decision: "decline" } });
    const second = await asks(1);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("one\n");
    s.send({ id: second.id as number, result: { decision: "accept" } });
    await s.waitFor(() => (v2(s, "turn/completed").length >= 1 ? true : undefined), 15_000, "turn/completed");

    expect(fileChangeItems(s, "item/completed").map((i) => [i.id, i.status])).toEqual([
      ["p1", "declined"],
      ["p2", "completed"],
    ]);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("ONE\n");
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain("patch rejected by user");
  });

  it("a patch that cannot be applied (Update of a missing file) shows no item and goes back to the model", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: "*** Begin Patch\n*** Update File: missing.txt\n@@\n-x\n+y\n*** End Patch" }), textTurn("ok"));
    const thread = await startThread(s, dir);
    await turn(s, thread.id);
    expect(fileChangeItems(s, "item/started")).toEqual([]);
    expect(JSON.stringify(model.requests[1]!.body.input)).toContain("apply_patch verification failed");
  });
});

describe("resumed and forked threads", () => {
  it("show the fileChange items of earlier turns, and the model gets the patch calls back", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.txt"), "one\n");
    const s = await startInitialized(start, toml("on-request"));
    const shellPatch = "*** Begin Patch\n*** Add File: c.txt\n+sea\n*** End Patch";
    model.enqueue(
      customToolCallTurn({ callId: "p1", name: "apply_patch", input: PATCH }),
      functionCallTurn({ callId: "s1", name: "shell", arguments: JSON.stringify({ command: ["apply_patch", shellPatch] }) }),
      textTurn("done"),
    );
    const thread = await startThread(s, dir);
    await turn(s, thread.id);
    await s.closeStdin();

    const again = await startInitialized(start, toml("on-request"), { codexHome: s.codexHome });
    const resumed = (await again.request("thread/resume", { threadId: thread.id })).result as { thread: { turns: { items: JsonObject[] }[] } };
    const items = resumed.thread.turns[0]!.items;
    expect(items.filter((i) => i.type === "commandExecution")).toEqual([]);
    expect(items.filter((i) => i.type === "fileChange")).toEqual([
      {
        type: "fileChange",
        id: "p1",
        status: "completed",
        startedAtMs: null,
        completedAtMs: expect.any(Number),
        changes: [
          { path: path.join(dir, "a.txt"), kind: { type: "update", move_path: null }, diff: "@@ -1 +1 @@\n-one\n+ONE\n" },
          { path: path.join(dir, "b.txt"), kind: { type: "add" }, diff: "bee\n" },
        ],
      },
      {
        type: "fileChange",
        id: "s1",
        status: "completed",
        changes: [{ path: path.join(dir, "c.txt"), kind: { type: "add" }, diff: "sea\n" }],
        startedAtMs: expect.any(Number),
        completedAtMs: expect.any(Number),
      },
    ]);

    // A fork carries the same items.
    const forked = (await again.request("thread/fork", { threadId: thread.id })).result as { thread: { id: string; turns: { items: JsonObject[] }[] } };
    expect(forked.thread.id).not.toBe(thread.id);
    expect(forked.thread.turns[0]!.items.filter((i) => i.type === "fileChange").map((i) => i.id)).toEqual(["p1", "s1"]);

    model.enqueue(textTurn("again"));
    await turn(again, thread.id);
    const input = model.requests.at(-1)!.body.input as JsonObject[];
    expect(input.find((i) => i.type === "custom_tool_call")).toMatchObject({ call_id: "p1", input: PATCH });
    expect(input.find((i) => i.type === "custom_tool_call_output")).toMatchObject({ call_id: "p1", output: expect.stringContaining("Success.") });
  });
});

describe("tools per model", () => {
  it("a turn that switches to a model family trained on apply_patch is offered the freeform tool", async () => {
    const s = await startInitialized(start, fakeProviderToml(model, "", "on-request"));
    model.enqueue(textTurn("one"), textTurn("two"));
    const thread = await startThread(s, tempDir());
    await turn(s, thread.id);
    const res = await s.request("turn/start", { threadId: thread.id, model: "gpt-5.1-codex", input: [{ type: "text", text: "again" }] });
    expect(res.error).toBeUndefined();
    await s.waitFor(() => (v2(s, "turn/completed").length >= 2 ? true : undefined), 15_000, "2 turn/completed");
    const tools = (n: number) => (model.requests[n]!.body.tools as JsonObject[]).map((t) => `${t.type}:${t.name}`);
    expect(tools(0)).not.toContain("custom:apply_patch");
    expect(tools(1)).toEqual(["function:shell", "function:update_plan", "custom:apply_patch"]);
  });
});
