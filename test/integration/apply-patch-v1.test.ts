// apply_patch as a v1 client sees it: the freeform tool, the JSON function and patches sent
// through the shell all change files atomically, announce themselves with patch_apply_begin /
// patch_apply_end / turn_diff, ask through applyPatchApproval when the policy says so, and hand
// errors back to the model while the turn goes on.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { customToolCallTurn, functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { chatTextTurn, chatToolCallTurn } from "../support/fake-chat.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "apply-patch-v1-");

// workspace-write whose only writable root is the conversation's cwd (no /tmp, no $TMPDIR).
const WORKSPACE_TABLES = `
[sandbox_workspace_write]
exclude_slash_tmp = true
exclude_tmpdir_env_var = true

[features]
apply_patch_freeform = true
`;

const toml = (policy: string, sandbox = "workspace-write", tables = WORKSPACE_TABLES) =>
  `sandbox_mode = "${sandbox}"\n${fakeProviderToml(model, tables, policy)}`;

const EVERY_KIND = `*** Begin Patch
*** Add File: added.txt
+new line 1
+new line 2
*** Update File: edit.txt
@@
 one
-two
+TWO
 three
*** Delete File: gone.txt
*** Update File: old/name.txt
*** Move to: new/name.txt
@@
-moved
+moved and changed
*** End Patch`;

function seedTree(dir: string): void {
  writeFileSync(path.join(dir, "edit.txt"), "one\ntwo\nthree\n");
  writeFileSync(path.join(dir, "gone.txt"), "bye\n");
  mkdirSync(path.join(dir, "old"));
  writeFileSync(path.join(dir, "old", "name.txt"), "moved\n");
}

function expectEveryKindApplied(dir: string): void {
  expect(readFileSync(path.join(dir, "added.txt"), "utf8")).toBe("new line 1\nnew line 2\n");
  expect(readFileSync(path.join(dir, "edit.txt"), "utf8")).toBe("one\nTWO\nthree\n");
  expect(existsSync(path.join(dir, "gone.txt"))).toBe(false);
  expect(existsSync(path.join(dir, "old", "name.txt"))).toBe(false);
  expect(readFileSync(path.join(dir, "new", "name.txt"), "utf8")).toBe("moved and changed\n");
}

function expectTreeUntouched(dir: string): void {
  expect(existsSync(path.join(dir, "added.txt"))).toBe(false);
  expect(readFileSync(path.join(dir, "edit.txt"), "utf8")).toBe("one\ntwo\nthree\n");
  expect(readFileSync(path.join(dir, "gone.txt"), "utf8")).toBe("bye\n");
  expect(readFileSync(path.join(dir, "old", "name.txt"), "utf8")).toBe("moved\n");
  expect(existsSync(path.join(dir, "new"))).toBe(false);
}

/** The input items of the nth model request (0-based). */
const requestInput = (n: number): JsonObject[] => model.requests[n]!.body.input as JsonObject[];
const outputOf = (n: number, callId: string) => requestInput(n).find((i) => i.call_id === callId && String(i.type).endsWith("_output"));

const SUMMARY = "Success. Updated the following files:\nA added.txt\nM edit.txt\nM new/name.txt\nD gone.txt\n";

async function patchApprovals(s: ServerProcess, count: number): Promise<JsonObject[]> {
  return s.waitFor(
    () => {
      const found = s.messages.filter((m) => m.method === "applyPatchApproval" && "id" in m);
      return found.length >= count ? found : undefined;
    },
    15_000,
    `${count} applyPatchApproval request(s)`,
  );
}

describe("the freeform apply_patch tool", () => {
  it("is offered as a grammar tool and applies add, update, delete and move in one patch", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: EVERY_KIND }), textTurn("edited"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);

    const tool = (model.requests[0]!.body.tools as JsonObject[]).find((t) => t.name === "apply_patch");
    expect(tool).toMatchObject({ type: "custom", format: { type: "grammar", syntax: "lark" } });
    expectEveryKindApplied(dir);
    // Inside the writable roots under on-request: nobody is asked.
    expect(s.messages.filter((m) => m.method === "applyPatchApproval")).toHaveLength(0);
    const [begin] = events(s, "patch_apply_begin");
    expect(begin).toMatchObject({ call_id: "p1", auto_approved: true });
    expect(begin!.changes).toEqual({
      [path.join(dir, "added.txt")]: { type: "add", content: "new line 1\nnew line 2\n" },
      [path.join(dir, "edit.txt")]: { type: "update", unified_diff: "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n", move_path: null },
      [path.join(dir, "gone.txt")]: { type: "delete", content: "bye\n" },
      [path.join(dir, "old", "name.txt")]: { type: "update", unified_diff: "@@ -1 +1 @@\n-moved\n+moved and changed\n", move_path: path.join(dir, "new", "name.txt") },
    });
    expect(events(s, "patch_apply_end")).toEqual([expect.objectContaining({ call_id: "p1", success: true, stdout: SUMMARY, stderr: "" })]);
    const diff = String(events(s, "turn_diff")[0]!.unified_diff);
    expect(diff).toContain("diff --git a/edit.txt b/edit.txt");
    expect(diff).toContain("-two\n+TWO\n");
    expect(diff).toContain("+++ b/added.txt");
    // The model gets the summary as the custom tool's output, after its call.
    expect(requestInput(1).find((i) => i.type === "custom_tool_call")).toMatchObject({ call_id: "p1", name: "apply_patch", input: EVERY_KIND });
    expect(outputOf(1, "p1")).toEqual({ type: "custom_tool_call_output", call_id: "p1", output: SUMMARY });
    expect(events(s, "task_complete")[0]).toMatchObject({ last_agent_message: "edited" });
  });

  it("is not offered to a model family without it unless [features] apply_patch_freeform is set", async () => {
    const s = await startInitialized(start, toml("on-request", "workspace-write", ""));
    model.enqueue(textTurn("hi"));
    const { conversationId } = await openConversation(s, { cwd: tempDir() });
    await say(s, conversationId, "hi");
    await turnsEnded(s);
    expect((model.requests[0]!.body.tools as JsonObject[]).map((t) => t.name)).not.toContain("apply_patch");
  });

  it("leaves every file as it was when one hunk's context does not match, tells the model, and the turn goes on", async () => {
    const dir = tempDir();
    seedTree(dir);
    const bad = EVERY_KIND.replace(" three\n", " not in the file\n");
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: bad }), textTurn("sorry"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);

    expectTreeUntouched(dir);
    expect(events(s, "patch_apply_begin")).toHaveLength(0);
    const output = String(outputOf(1, "p1")!.output);
    expect(output).toMatch(/^apply_patch verification failed: /);
    expect(output).toContain("edit.txt");
    expect(events(s, "task_complete")[0]).toMatchObject({ last_agent_message: "sorry" });
    expect(events(s, "error")).toHaveLength(0);
  });

  it("answers a malformed patch with the parse error", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: "*** Begin Patch\n*** Frobnicate: x\n*** End Patch" }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expect(String(outputOf(1, "p1")!.output)).toMatch(/^apply_patch verification failed: .*Frobnicate/s);
    expect(events(s, "task_complete")[0]).toMatchObject({ last_agent_message: "ok" });
  });
});

describe("the JSON apply_patch function", () => {
  it("applies `{ input }` and answers with function_call_output", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("never"));
    model.enqueue(functionCallTurn({ callId: "f1", name: "apply_patch", arguments: JSON.stringify({ input: EVERY_KIND }) }), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expectEveryKindApplied(dir);
    expect(outputOf(1, "f1")).toEqual({ type: "function_call_output", call_id: "f1", output: SUMMARY });
  });
});

describe("on the Chat Completions wire", () => {
  it("a freeform model is offered the JSON function, and its call applies the patch", async () => {
    const dir = tempDir();
    seedTree(dir);
    const chat = toml("on-request").replace('wire_api = "responses"', 'wire_api = "chat"').replace('model = "test-model"', 'model = "gpt-5.1-codex"');
    const s = await startInitialized(start, chat);
    model.enqueue(chatToolCallTurn({ id: "call_1", name: "apply_patch", parts: [JSON.stringify({ input: EVERY_KIND })] }), chatTextTurn(["done"]));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    const tool = (model.requests[0]!.body.tools as JsonObject[]).find((t) => (t.function as JsonObject).name === "apply_patch");
    expect(tool).toMatchObject({ type: "function", function: { parameters: { required: ["input"] } } });
    expectEveryKindApplied(dir);
    const messages = model.requests[1]!.body.messages as JsonObject[];
    expect(messages.find((m) => m.role === "tool")).toMatchObject({ tool_call_id: "call_1", content: SUMMARY });
  });
});

describe("a patch sent through the shell tool", () => {
  const shell = (callId: string, command: string[], workdir?: string) =>
    functionCallTurn({ callId, name: "shell", arguments: JSON.stringify({ command, ...(workdir ? { workdir } : {}) }) });

  it('applies ["apply_patch", PATCH] as a patch (no command runs) and tells the model to use the tool', async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(shell("s1", ["apply_patch", EVERY_KIND], dir), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expectEveryKindApplied(dir);
    expect(events(s, "exec_command_begin")).toHaveLength(0);
    expect(events(s, "patch_apply_end")).toEqual([expect.objectContaining({ call_id: "s1", success: true })]);
    expect(outputOf(1, "s1")).toMatchObject({ type: "function_call_output", output: SUMMARY });
    const warning = requestInput(1).find((i) => i.type === "message" && JSON.stringify(i.content).includes("Use the apply_patch tool"));
    expect(warning).toMatchObject({ role: "user" });
  });

  it("applies it without the warning when the model is not offered the apply_patch tool", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("on-request", "workspace-write", ""));
    model.enqueue(shell("s1", ["apply_patch", EVERY_KIND]), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expectEveryKindApplied(dir);
    expect(JSON.stringify(requestInput(1))).not.toContain("Use the apply_patch tool");
  });

  it("applies a `cd DIR && apply_patch <<'EOF'` heredoc relative to DIR", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "sub", "f.txt"), "a\n");
    const script = "cd sub && apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: f.txt\n@@\n-a\n+b\n*** End Patch\nEOF\n";
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(shell("s1", ["bash", "-lc", script]), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expect(readFileSync(path.join(dir, "sub", "f.txt"), "utf8")).toBe("b\n");
    expect(events(s, "exec_command_begin")).toHaveLength(0);
  });
});

describe("applyPatchApproval", () => {
  it("untrusted asks with the changes; approved applies the patch", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("untrusted"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: EVERY_KIND }), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    const [ask] = await patchApprovals(s, 1);
    expect(ask!.params).toMatchObject({ conversationId, callId: "p1", reason: null, grantRoot: null });
    expect((ask!.params as JsonObject).fileChanges).toMatchObject({ [path.join(dir, "gone.txt")]: { type: "delete", content: "bye\n" } });
    // Nothing is written while the client decides.
    expectTreeUntouched(dir);
    s.send({ id: ask!.id as number, result: { decision: "approved" } });
    await turnsEnded(s);
    expectEveryKindApplied(dir);
    expect(events(s, "patch_apply_begin")[0]).toMatchObject({ call_id: "p1", auto_approved: false });
  });

  it("denied leaves the tree untouched and tells the model", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("untrusted"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: EVERY_KIND }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    const [ask] = await patchApprovals(s, 1);
    s.send({ id: ask!.id as number, result: { decision: "denied" } });
    await turnsEnded(s);
    expectTreeUntouched(dir);
    expect(events(s, "patch_apply_begin")).toHaveLength(0);
    expect(events(s, "patch_apply_end")).toHaveLength(0);
    expect(outputOf(1, "p1")).toMatchObject({ output: "patch rejected by user" });
  });

  it("abort ends the turn without writing", async () => {
    const dir = tempDir();
    seedTree(dir);
    const s = await startInitialized(start, toml("untrusted"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: EVERY_KIND }));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "edit");
    const [ask] = await patchApprovals(s, 1);
    s.send({ id: ask!.id as number, result: { decision: "abort" } });
    await turnsEnded(s);
    expectTreeUntouched(dir);
    expect(events(s, "turn_aborted")).toHaveLength(1);
  });

  it("on-request asks for a write outside the writable roots; approved_for_session covers that file afterwards", async () => {
    const [cwd, outside] = [tempDir(), tempDir()];
    const target = path.join(outside, "notes.txt");
    writeFileSync(target, "v1\n");
    const edit = (from: string, to: string) => `*** Begin Patch\n*** Update File: ${target}\n@@\n-${from}\n+${to}\n*** End Patch`;
    const s = await startInitialized(start, toml("on-request"));
    model.enqueue(
      customToolCallTurn({ callId: "p1", name: "apply_patch", input: edit("v1", "v2") }),
      customToolCallTurn({ callId: "p2", name: "apply_patch", input: edit("v2", "v3") }),
      textTurn("done"),
    );
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "edit");
    const [ask] = await patchApprovals(s, 1);
    expect(ask!.params).toMatchObject({ callId: "p1", fileChanges: { [target]: { type: "update" } } });
    s.send({ id: ask!.id as number, result: { decision: "approved_for_session" } });
    await turnsEnded(s);
    expect(readFileSync(target, "utf8")).toBe("v3\n");
    expect(s.messages.filter((m) => m.method === "applyPatchApproval")).toHaveLength(1);
    expect(events(s, "patch_apply_end").map((e) => e.success)).toEqual([true, true]);
  });

  it("never refuses a write outside the writable roots without asking", async () => {
    const [cwd, outside] = [tempDir(), tempDir()];
    const target = path.join(outside, "notes.txt");
    const s = await startInitialized(start, toml("never"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: `*** Begin Patch\n*** Add File: ${target}\n+x\n*** End Patch` }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expect(existsSync(target)).toBe(false);
    expect(s.messages.filter((m) => m.method === "applyPatchApproval")).toHaveLength(0);
    expect(String(outputOf(1, "p1")!.output)).toContain("rejected");
  });

  it("danger-full-access writes outside the cwd without asking", async () => {
    const [cwd, outside] = [tempDir(), tempDir()];
    const target = path.join(outside, "notes.txt");
    const s = await startInitialized(start, toml("on-request", "danger-full-access"));
    model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: `*** Begin Patch\n*** Add File: ${target}\n+x\n*** End Patch` }), textTurn("ok"));
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "edit");
    await turnsEnded(s);
    expect(readFileSync(target, "utf8")).toBe("x\n");
    expect(s.messages.filter((m) => m.method === "applyPatchApproval")).toHaveLength(0);
  });
});

describe("telemetry", () => {
  it("reports codex.tool_decision and codex.tool_result for apply_patch", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dir = tempDir();
      seedTree(dir);
      const otel = `\n[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`;
      const s = await startInitialized(start, toml("on-request", "workspace-write", WORKSPACE_TABLES + otel));
      model.enqueue(customToolCallTurn({ callId: "p1", name: "apply_patch", input: EVERY_KIND }), textTurn("done"));
      const { conversationId } = await openConversation(s, { cwd: dir });
      await say(s, conversationId, "edit");
      await turnsEnded(s);
      expect((await s.closeStdin()).code).toBe(0);
      const byName = (name: string) => receiver.logs.filter((l) => l.attributes["event.name"] === name).map((l) => l.attributes);
      expect(byName("codex.tool_decision")).toEqual([expect.objectContaining({ tool_name: "apply_patch", call_id: "p1", decision: "approved", source: "Config" })]);
      expect(byName("codex.tool_result")).toEqual([expect.objectContaining({ tool_name: "apply_patch", call_id: "p1", success: "true", output: SUMMARY })]);
    } finally {
      await receiver.close();
    }
  });
});

describe("bad input", () => {
  it("refuses each bad patch whole, tells the model why, writes nothing, and the turn goes on", async () => {
    const root = tempDir();
    const cwd = path.join(root, "work");
    const outside = path.join(root, "outside");
    mkdirSync(cwd);
    mkdirSync(outside);
    writeFileSync(path.join(cwd, "a.txt"), "a\n");
    writeFileSync(path.join(cwd, "b.txt"), "b\n");
    writeFileSync(path.join(cwd, "blob.bin"), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    symlinkSync(outside, path.join(cwd, "link"));
    mkdirSync(path.join(cwd, ".git", "hooks"), { recursive: true });
    const patches: [string, string][] = [
      ["missing", "*** Begin Patch\n*** Update File: nope.txt\n@@\n-x\n+y\n*** End Patch"],
      ["move-onto-existing", "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+A\n*** End Patch"],
      ["binary", "*** Begin Patch\n*** Update File: blob.bin\n@@\n-a\n+A\n*** End Patch"],
      ["dot-dot", "*** Begin Patch\n*** Add File: ../outside/escaped.txt\n+x\n*** End Patch"],
      ["git-hook", "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n*** End Patch"],
      ["symlink", "*** Begin Patch\n*** Add File: link/escaped.txt\n+x\n*** Add File: fine.txt\n+ok\n*** End Patch"],
    ];
    const s = await startInitialized(start, toml("never"));
    model.enqueue(...patches.map(([callId, input]) => customToolCallTurn({ callId, name: "apply_patch", input })), textTurn("gave up"));
    const { conversationId } = await openConversation(s, { cwd });
    await say(s, conversationId, "edit");
    await turnsEnded(s);

    const last = model.requests.length - 1;
    const outputOfCall = (id: string) => String(outputOf(last, id)!.output);
    expect(outputOfCall("missing")).toMatch(/^apply_patch verification failed: .*nope\.txt/s);
    expect(outputOfCall("move-onto-existing")).toMatch(/^apply_patch verification failed: .*already exists/s);
    expect(outputOfCall("binary")).toMatch(/^apply_patch verification failed: .*binary/s);
    expect(outputOfCall("dot-dot")).toContain("rejected");
    expect(outputOfCall("symlink")).toContain("rejected");
    expect(outputOfCall("git-hook")).toContain("rejected");
    expect(existsSync(path.join(cwd, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(path.join(cwd, "a.txt"), "utf8")).toBe("a\n");
    expect(readFileSync(path.join(cwd, "b.txt"), "utf8")).toBe("b\n");
    expect(existsSync(path.join(outside, "escaped.txt"))).toBe(false);
    // All or nothing: the hunk inside the cwd was not written either.
    expect(existsSync(path.join(cwd, "fine.txt"))).toBe(false);
    expect(events(s, "patch_apply_begin")).toHaveLength(0);
    expect(events(s, "task_complete")[0]).toMatchObject({ last_agent_message: "gave up" });
  });
});
