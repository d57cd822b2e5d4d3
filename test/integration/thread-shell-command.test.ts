// v2 thread/shellCommand over the real bin: the user's own shell string runs unsandboxed in the
// thread's shell and cwd, as a turn of its own (or inside the running one), streams as a userShell
// commandExecution item, reaches the model as a <user_shell_command> message, and is in the
// rollout for thread/read and thread/resume after a restart. The sequence is 0.169's
// (/tmp/s4/shell-observed-0169.txt); the harness checks every message against 0.169's schema.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { expectOnlyJsonLines, ServerProcess, useServers, type JsonObject } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { FAKE_ENV, fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const REFERENCE_169 =
  process.env.CODEX_REFERENCE_169_BIN ?? "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach);

const text = (t: string) => [{ type: "text", text: t }];
const params = (s: ServerProcess, method: string) => s.notifications(method).map((m) => m.params as JsonObject);
const items = (s: ServerProcess, method: string) => params(s, method).filter((p) => (p.item as JsonObject).type === "commandExecution");

async function startThread(s: ServerProcess, cwd: string, extra: JsonObject = {}): Promise<string> {
  const res = await s.request("thread/start", { cwd, ...extra });
  expect(res.error).toBeUndefined();
  return String((res.result as { thread: JsonObject }).thread.id);
}

/** Runs one model turn to its end. */
async function turn(s: ServerProcess, threadId: string, question: string): Promise<void> {
  const done = s.notifications("turn/completed").length;
  const res = await s.request("turn/start", { threadId, input: text(question) });
  expect(res.error).toBeUndefined();
  await s.waitFor(() => s.notifications("turn/completed")[done], 15_000, "turn/completed");
}

/** Sends thread/shellCommand and waits for the turn it starts to complete; returns that turn/completed. */
async function shell(s: ServerProcess, threadId: string, command: string, extra: JsonObject = {}): Promise<JsonObject> {
  const done = s.notifications("turn/completed").length;
  const res = await s.request("thread/shellCommand", { threadId, command, ...extra });
  expect(res.error).toBeUndefined();
  expect(res.result).toEqual({});
  const completed = await s.waitFor(() => s.notifications("turn/completed")[done], 15_000, "the shell turn to complete");
  return completed.params as JsonObject;
}

/** Whether process `pid` has ended (a zombie waiting for its reaper has). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("Z");
  } catch {
    return true;
  }
}

const completedItem = (s: ServerProcess, nth = 0) => items(s, "item/completed")[nth]!.item as JsonObject;
const userTexts = (body: { input: JsonObject[] }) =>
  body.input.filter((i) => i.type === "message" && i.role === "user").map((i) => String((i.content as JsonObject[])[0]?.text ?? ""));
const shellRecords = (body: { input: JsonObject[] }) => userTexts(body).filter((t) => t.startsWith("<user_shell_command>"));

describe("thread/shellCommand", () => {
  it("answers {} first, then runs as a turn of its own in 0.169's order and shapes; the next request carries the result where it ran", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("hi"), textTurn("second"));
    const threadId = await startThread(s, cwd);
    await turn(s, threadId, "go");
    const from = s.messages.length;

    const script = "echo hi; echo err >&2; exit 3";
    const ended = await shell(s, threadId, script);
    const after = s.messages.slice(from);
    // The reply, then the turn's notifications, as 0.169 sends them.
    const replyAt = after.findIndex((m) => "result" in m);
    expect(after.slice(0, replyAt).map((m) => m.method)).toEqual([]);
    const methods = after.slice(replyAt + 1).map((m) => m.method as string);
    expect(methods.filter((m) => m !== "item/commandExecution/outputDelta")).toEqual([
      "thread/status/changed",
      "turn/started",
      "item/started",
      "item/completed",
      "thread/status/changed",
      "turn/completed",
    ]);
    expect(params(s, "thread/status/changed").slice(-2).map((p) => p.status)).toEqual([{ type: "active", activeFlags: [] }, { type: "idle" }]);

    const turnStarted = params(s, "turn/started").at(-1)!;
    const turnId = (turnStarted.turn as JsonObject).id;
    expect(turnStarted.turn).toMatchObject({ status: "inProgress", items: [] });
    expect(ended.turn).toMatchObject({ id: turnId, status: "completed", error: null });

    const [started] = items(s, "item/started");
    const item = completedItem(s);
    expect(started).toMatchObject({ threadId, turnId });
    const shown = started!.item as JsonObject;
    expect(shown).toMatchObject({
      type: "commandExecution",
      source: "userShell",
      cwd,
      status: "inProgress",
      processId: null,
      aggregatedOutput: null,
      exitCode: null,
      durationMs: null,
      commandActions: [{ type: "unknown", command: script }],
    });
    // The shell invocation that ran the user's string (bash as a login shell, the script one word).
    expect(shown.command).toMatch(/^\/\S*\/bash -lc 'echo hi; echo err >&2; exit 3'$/);
    expect(item).toMatchObject({ id: shown.id, command: shown.command, source: "userShell", status: "failed", exitCode: 3, aggregatedOutput: "hi\nerr\n" });
    expect(item.durationMs).toEqual(expect.any(Number));
    // stdout and stderr stream as they come.
    const deltas = params(s, "item/commandExecution/outputDelta");
    expect(deltas.every((d) => d.itemId === shown.id && d.turnId === turnId && d.threadId === threadId)).toBe(true);
    expect(deltas.map((d) => d.delta).sort()).toEqual(["err\n", "hi\n"]);

    // The model hears of it where it ran: after the first answer, before the next question.
    await turn(s, threadId, "again");
    const body = model.requests[1]!.body as { input: JsonObject[] };
    const texts = userTexts(body);
    const record = texts.find((t) => t.startsWith("<user_shell_command>"))!;
    expect(record).toMatch(
      /^<user_shell_command>\n<command>\necho hi; echo err >&2; exit 3\n<\/command>\n<result>\nExit code: 3\nDuration: \d+\.\d{4} seconds\nOutput:\nhi\nerr\n\n<\/result>\n<\/user_shell_command>$/,
    );
    expect(texts.indexOf(record)).toBe(texts.indexOf("again") - 1);
    const assistantAt = body.input.findIndex((i) => i.role === "assistant");
    expect(body.input.findIndex((i) => i.role === "user" && userTexts({ input: [i] })[0] === record)).toBe(assistantAt + 1);

    // thread/read: the shell turn between the two model turns, with its item.
    const read = await s.request("thread/read", { threadId, includeTurns: true });
    const turns = (read.result as { thread: { turns: JsonObject[] } }).thread.turns;
    expect(turns.map((t) => (t.items as JsonObject[]).map((i) => i.type))).toEqual([
      ["userMessage", "agentMessage"],
      ["commandExecution"],
      ["userMessage", "agentMessage"],
    ]);
    expect(turns[1]).toMatchObject({ id: turnId, status: "completed" });
    expect((turns[1]!.items as JsonObject[])[0]).toMatchObject({ ...item, startedAtMs: expect.any(Number), completedAtMs: expect.any(Number) });
  });

  it("keeps pipes, redirects and quoting, runs in the thread's cwd with full access (even in a read-only thread), exit 0 completes", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
    const threadId = await startThread(s, cwd, { sandbox: "read-only" });
    const ended = await shell(s, threadId, `  printf '%s\\n' "a b" 'c  d' | tr a-z A-Z > out.txt && cat out.txt; pwd  `);
    expect(ended.turn).toMatchObject({ status: "completed" });
    const item = completedItem(s);
    expect(item).toMatchObject({ status: "completed", exitCode: 0, aggregatedOutput: `A B\nC  D\n${cwd}\n` });
    // What the user typed, trimmed, as 0.169 keeps it.
    expect(item.commandActions).toEqual([{ type: "unknown", command: `printf '%s\\n' "a b" 'c  d' | tr a-z A-Z > out.txt && cat out.txt; pwd` }]);
    // Written despite the read-only sandbox: the user's command is not the model's.
    expect(readFileSync(path.join(cwd, "out.txt"), "utf8")).toBe("A B\nC  D\n");
  });

  it("kills the command's whole process group at timeoutMs; 0 times out at once; the model reads the timeout", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("noted"));
    const threadId = await startThread(s, cwd);
    const ended = await shell(s, threadId, "sleep 300 & echo $! > child.pid; echo started; wait", { timeoutMs: 2_000 });
    expect(ended.turn).toMatchObject({ status: "completed" });
    expect(completedItem(s)).toMatchObject({ status: "failed", exitCode: 124, aggregatedOutput: "started\n" });
    const child = Number(readFileSync(path.join(cwd, "child.pid"), "utf8"));
    await s.waitFor(() => gone(child) || undefined, 5_000, "the background child to be killed");

    await shell(s, threadId, "echo never-slow", { timeoutMs: 0 });
    expect(completedItem(s, 1)).toMatchObject({ status: "failed", exitCode: 124 });

    await turn(s, threadId, "what happened?");
    const [first, second] = shellRecords(model.requests[0]!.body as { input: JsonObject[] });
    expect(first).toContain("Exit code: 124\n");
    expect(first).toMatch(/Output:\ncommand timed out after \d+ milliseconds\nstarted\n/);
    expect(second).toContain("<command>\necho never-slow\n</command>\n<result>\nExit code: 124\n");
  });

  it("caps what it keeps as other commands do: the item keeps the start and the end, the model a truncated middle", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("seen"));
    const threadId = await startThread(s, tempDir());
    await shell(s, threadId, "printf START; head -c 3000000 /dev/zero | tr '\\0' a; printf END");
    const output = String(completedItem(s).aggregatedOutput);
    expect(output.startsWith("STARTaaa")).toBe(true);
    expect(output.endsWith("aaaEND")).toBe(true);
    expect(output.length).toBeLessThan(1_100_000);
    await turn(s, threadId, "and?");
    const [record] = shellRecords(model.requests[0]!.body as { input: JsonObject[] });
    expect(record).toMatch(/Output:\nTotal output lines: \d+\n\nSTARTa+…\d+ chars truncated…a+END\n<\/result>/);
    expect(Buffer.byteLength(record!)).toBeLessThan(11_000);
  });

  it("turn/interrupt stops it: the item fails as aborted by the user, the turn completes interrupted, and the model is told", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(textTurn("ok"));
    const threadId = await startThread(s, cwd);
    const res = await s.request("thread/shellCommand", { threadId, command: "sleep 300 & echo $! > child.pid; echo begun; wait" });
    expect(res.result).toEqual({});
    await s.waitFor(() => params(s, "item/commandExecution/outputDelta").find((d) => String(d.delta).includes("begun")), 15_000, "the command's output");
    const turnId = (params(s, "turn/started")[0]!.turn as JsonObject).id;
    const from = s.messages.length;
    expect((await s.request("turn/interrupt", { threadId, turnId })).result).toEqual({});
    const ended = await s.waitFor(() => params(s, "turn/completed")[0], 15_000, "turn/completed");
    expect(ended.turn).toMatchObject({ id: turnId, status: "interrupted" });
    // The item ends before its turn does (0.169 answers the interrupt between the two; ours, as for every turn, after).
    const order = s.messages.slice(from).map((m) => m.method);
    expect(order.indexOf("item/completed")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("item/completed")).toBeLessThan(order.indexOf("turn/completed"));
    expect(completedItem(s)).toMatchObject({ status: "failed", exitCode: -1, aggregatedOutput: "command aborted by user", durationMs: 0 });
    const child = Number(readFileSync(path.join(cwd, "child.pid"), "utf8"));
    await s.waitFor(() => gone(child) || undefined, 5_000, "the background child to be killed");

    await turn(s, threadId, "next");
    const body = model.requests[0]!.body as { input: JsonObject[] };
    expect(shellRecords(body)).toEqual([expect.stringMatching(/Exit code: -1\nDuration: 0\.0000 seconds\nOutput:\ncommand aborted by user\n<\/result>/)]);
    expect(userTexts(body).some((t) => t.startsWith("<turn_aborted>") && t.includes(String(turnId)))).toBe(true);
  });

  it("inside a running turn: the item belongs to that turn (no turn of its own) and its result goes with that turn's next request", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(functionCallTurn({ callId: "c1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", "echo x > /dev/null"] }) }), textTurn("done"));
    const threadId = await startThread(s, cwd);
    await s.request("turn/start", { threadId, input: text("run it") });
    const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "approval");
    const turnId = (params(s, "turn/started")[0]!.turn as JsonObject).id;

    const from = s.messages.length;
    expect((await s.request("thread/shellCommand", { threadId, command: "echo side" })).result).toEqual({});
    const done = await s.waitFor(() => items(s, "item/completed").find((p) => (p.item as JsonObject).source === "userShell"), 15_000, "the user's command");
    expect(done).toMatchObject({ turnId, item: { status: "completed", aggregatedOutput: "side\n" } });
    // Still waiting on the approval, as 0.169 stays meanwhile.
    expect(s.messages.slice(from).filter((m) => m.method === "thread/status/changed" || m.method === "turn/started")).toEqual([]);
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    expect(s.notifications("turn/started")).toHaveLength(1);
    const [first, second] = model.requests.map((r) => r.body as { input: JsonObject[] });
    expect(shellRecords(first!)).toEqual([]);
    expect(shellRecords(second!)).toEqual([expect.stringContaining("<command>\necho side\n</command>")]);
    // After the call's output it answers, where it joined the turn.
    const outputAt = second!.input.findIndex((i) => i.type === "function_call_output");
    const recordAt = second!.input.findIndex((i) => i.role === "user" && String((i.content as JsonObject[])[0]?.text).startsWith("<user_shell_command>"));
    expect(recordAt).toBeGreaterThan(outputAt);
  });

  it("refuses an unknown thread, an empty command and a negative timeout with clear errors, and keeps serving", async () => {
    const s = await startInitialized(start, fakeProviderToml(model));
    const threadId = await startThread(s, tempDir());
    const unknown = "00000000-0000-7000-8000-000000000000";
    expect((await s.request("thread/shellCommand", { threadId: unknown, command: "true" })).error).toEqual({ code: -32600, message: `thread not found: ${unknown}` });
    expect((await s.request("thread/shellCommand", { threadId, command: "  \n " })).error).toEqual({ code: -32600, message: "command must not be empty" });
    expect((await s.request("thread/shellCommand", { threadId, command: "true", timeoutMs: -1 })).error).toEqual({
      code: -32602,
      message: "thread/shellCommand timeoutMs must be non-negative, got -1",
    });
    expect((await s.request("thread/shellCommand", { threadId })).error).toMatchObject({ code: -32602 });
    expect(s.notifications("turn/started")).toEqual([]);
    // Still serving, the thread included.
    await shell(s, threadId, "true");
    expect(completedItem(s)).toMatchObject({ status: "completed", exitCode: 0 });
  });

  it("is in the rollout: after a restart thread/read, thread/turns/list and thread/resume show it, and the history carries it on", async () => {
    const cwd = tempDir();
    const s = await startInitialized(start, fakeProviderToml(model));
    const threadId = await startThread(s, cwd);
    await shell(s, threadId, "echo persisted");
    const live = completedItem(s);
    const turnId = (params(s, "turn/started")[0]!.turn as JsonObject).id;
    await s.closeStdin();

    model.enqueue(textTurn("after restart"));
    const fresh = await startInitialized(start, fakeProviderToml(model), { codexHome: s.codexHome });
    const read = await fresh.request("thread/read", { threadId, includeTurns: true });
    const turns = (read.result as { thread: { turns: JsonObject[] } }).thread.turns;
    const expected = { ...live, startedAtMs: expect.any(Number), completedAtMs: expect.any(Number) };
    expect(turns).toMatchObject([{ id: turnId, status: "completed", items: [expected] }]);
    const listed = await fresh.request("thread/turns/list", { threadId });
    expect((listed.result as { data: JsonObject[] }).data).toMatchObject([{ id: turnId, items: [expected] }]);
    const resumed = await fresh.request("thread/resume", { threadId });
    expect((resumed.result as { thread: { turns: JsonObject[] } }).thread.turns).toMatchObject([{ id: turnId, items: [expected] }]);
    await turn(fresh, threadId, "and now?");
    expect(shellRecords(model.requests[0]!.body as { input: JsonObject[] })).toEqual([expect.stringContaining("Exit code: 0\n")]);
  });
});

describe.skipIf(!existsSync(REFERENCE_169))("a rollout the reference 0.169 wrote", () => {
  it("thread/read shows its user shell turn as 0.169 itself does", async () => {
    const home = tempDir();
    // 0.169 refuses `untrusted`.
    writeFileSync(path.join(home, "config.toml"), fakeProviderToml(model, "", "on-request"));
    const ref = new ServerProcess({ codexHome: home, command: [REFERENCE_169, "app-server"], env: FAKE_ENV });
    let threadId: string;
    let theirs: JsonObject[];
    try {
      await ref.initialize("compat_ide", "1");
      threadId = String(((await ref.request("thread/start", { cwd: home }, 30_000)).result as { thread: JsonObject }).thread.id);
      await ref.request("thread/shellCommand", { threadId, command: "echo from-0.169; exit 2" });
      await ref.waitFor(() => ref.notifications("turn/completed")[0], 20_000, "the reference's shell turn");
      theirs = ((await ref.request("thread/read", { threadId, includeTurns: true })).result as { thread: { turns: JsonObject[] } }).thread.turns;
    } finally {
      await ref.closeStdin();
    }
    expect(theirs[0]!.items).toMatchObject([{ type: "commandExecution", source: "userShell", exitCode: 2 }]);

    const ours = await startInitialized(start, fakeProviderToml(model, "", "on-request"), { codexHome: home });
    const read = await ours.request("thread/read", { threadId, includeTurns: true });
    const turns = (read.result as { thread: { turns: JsonObject[] } }).thread.turns;
    expect(turns.map((t) => ({ id: t.id, status: t.status, items: t.items }))).toEqual(theirs.map((t) => ({ id: t.id, status: t.status, items: t.items })));
  });
});
