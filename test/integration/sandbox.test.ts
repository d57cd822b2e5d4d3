// The sandbox as a client and the model see it, with the real bubblewrap: what each mode lets a
// command write or reach, when the user is asked (on-failure reruns, on-request escalation, never),
// the refusal and configWarning when no trusted bwrap exists, and commands dying with the server.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { killProcessesWith, processesWith } from "../support/processes.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { approvalRequest, events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "sandbox-");

const RETRY_REASON = "command failed; retry without sandbox?";

const shellCall = (callId: string, command: string[], extra: JsonObject = {}) =>
  functionCallTurn({ callId, name: "shell", arguments: JSON.stringify({ command, ...extra }) });

const writeFile = (file: string) => ["bash", "-c", `echo written > '${file}'`];

/** config.toml: sandbox_mode (top level) before the provider table, the workspace table after. */
function toml(policy: string, mode: string, workspace = ""): string {
  return `sandbox_mode = "${mode}"\n${fakeProviderToml(model, "", policy)}\n[sandbox_workspace_write]\n${workspace}\n`;
}

/** Workspace-write with /tmp and $TMPDIR left out: the temp folders of these tests live there. */
const ONLY_CWD = "exclude_slash_tmp = true\nexclude_tmpdir_env_var = true";

function approvals(s: ServerProcess): JsonObject[] {
  return s.messages.filter((m) => m.method === "execCommandApproval" && "id" in m);
}

/** What the model got back for `callId` (the output string of its function_call_output). */
function callOutput(callId: string): string {
  for (const request of model.requests) {
    const item = (request.body.input as JsonObject[]).find((i) => i.type === "function_call_output" && i.call_id === callId);
    if (item) return String(item.output);
  }
  throw new Error(`no output for ${callId}`);
}

/** The developer message the conversation started with. */
function permissionsText(): string {
  const input = model.requests[0]!.body.input as { role?: string; content?: { text?: string }[] }[];
  return input.filter((i) => i.role === "developer").flatMap((i) => (i.content ?? []).map((c) => c.text ?? "")).join("\n");
}

async function runOne(s: ServerProcess, cwd: string, params: JsonObject = {}): Promise<void> {
  const { conversationId } = await openConversation(s, { cwd, ...params });
  await say(s, conversationId, "go");
  await turnsEnded(s);
}

describe("read-only", () => {
  it("refuses a write in cwd without asking: the file is absent and the command failed", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request", "read-only"));
    model.enqueue(shellCall("w", writeFile(path.join(dir, "made.txt"))), textTurn("done"));
    await runOne(s, dir);
    expect(existsSync(path.join(dir, "made.txt"))).toBe(false);
    const [end] = events(s, "exec_command_end");
    expect(end!.exit_code).not.toBe(0);
    expect(String(end!.stderr)).toContain("Read-only file system");
    expect(approvals(s)).toHaveLength(0);
    expect(callOutput("w")).toContain("Read-only file system");
    // The model is told what is enforced.
    expect(permissionsText()).toContain("Sandbox: read-only, enforced with bubblewrap");
  });

  it("v2: the commandExecution item fails and no approval is requested", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request", "read-only"));
    model.enqueue(shellCall("w", writeFile(path.join(dir, "made.txt"))), textTurn("done"));
    const started = await s.request("thread/start", { cwd: dir });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "go" }] });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    const item = s
      .notifications("item/completed")
      .map((m) => (m.params as { item: JsonObject }).item)
      .find((i) => i.type === "commandExecution")!;
    expect(item).toMatchObject({ status: "failed" });
    expect(item.exitCode).not.toBe(0);
    expect(s.messages.filter((m) => m.method === "item/commandExecution/requestApproval")).toHaveLength(0);
    expect(existsSync(path.join(dir, "made.txt"))).toBe(false);
  });
});

describe("workspace-write", () => {
  it("writes in cwd, not in a folder outside it, and not in cwd's .git", async () => {
    const [dir, outside] = [tempDir(), tempDir()];
    mkdirSync(path.join(dir, ".git"));
    const s = await startInitialized(start, toml("never", "workspace-write", ONLY_CWD));
    model.enqueue(
      shellCall("in", writeFile(path.join(dir, "in.txt"))),
      shellCall("out", writeFile(path.join(outside, "out.txt"))),
      shellCall("git", writeFile(path.join(dir, ".git", "hook"))),
      textTurn("done"),
    );
    await runOne(s, dir);
    expect(readFileSync(path.join(dir, "in.txt"), "utf8")).toBe("written\n");
    expect(existsSync(path.join(outside, "out.txt"))).toBe(false);
    expect(existsSync(path.join(dir, ".git", "hook"))).toBe(false);
    expect(events(s, "exec_command_end").map((e) => e.exit_code === 0)).toEqual([true, false, false]);
    expect(permissionsText()).toContain(`- ${dir}`);
  });

  it("writes in a configured writable root", async () => {
    const [dir, extra, other] = [tempDir(), tempDir(), tempDir()];
    const s = await startInitialized(start, toml("never", "workspace-write", `${ONLY_CWD}\nwritable_roots = ["${extra}"]`));
    model.enqueue(shellCall("extra", writeFile(path.join(extra, "x.txt"))), shellCall("other", writeFile(path.join(other, "x.txt"))), textTurn("done"));
    await runOne(s, dir);
    expect(existsSync(path.join(extra, "x.txt"))).toBe(true);
    expect(existsSync(path.join(other, "x.txt"))).toBe(false);
  });

  describe("network", () => {
    let server: net.Server;
    let port: number;
    let connections: number;
    beforeEach(async () => {
      connections = 0;
      server = net.createServer((socket) => {
        connections++;
        socket.end("hello\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () => ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port} && head -n1 <&3`];

    it("is refused without network_access", async () => {
      const s = await startInitialized(start, toml("never", "workspace-write", ONLY_CWD));
      model.enqueue(shellCall("net", connect()), textTurn("done"));
      await runOne(s, tempDir());
      const [end] = events(s, "exec_command_end");
      expect(end!.exit_code).not.toBe(0);
      expect(connections).toBe(0);
    });

    it("is allowed with network_access = true", async () => {
      const s = await startInitialized(start, toml("never", "workspace-write", `${ONLY_CWD}\nnetwork_access = true`));
      model.enqueue(shellCall("net", connect()), textTurn("done"));
      await runOne(s, tempDir());
      const [end] = events(s, "exec_command_end");
      expect(end).toMatchObject({ exit_code: 0, stdout: "hello\n" });
      expect(connections).toBe(1);
    });
  });
});

describe("danger-full-access", () => {
  it("writes anywhere, without a sandbox", async () => {
    const [dir, outside] = [tempDir(), tempDir()];
    const s = await startInitialized(start, toml("never", "danger-full-access"));
    model.enqueue(shellCall("w", writeFile(path.join(outside, "anywhere.txt"))), textTurn("done"));
    await runOne(s, dir);
    expect(existsSync(path.join(outside, "anywhere.txt"))).toBe(true);
    expect(permissionsText()).toContain("Sandbox: none (danger-full-access)");
  });
});

describe("approval policies around the sandbox", () => {
  it("on-failure: a sandbox-denied command is offered a rerun without the sandbox; approved, it succeeds", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-failure", "read-only"));
    model.enqueue(shellCall("w", writeFile(path.join(dir, "made.txt"))), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "go");
    const ask = await approvalRequest(s);
    expect(ask.params).toMatchObject({ callId: "w", reason: RETRY_REASON, cwd: dir });
    // Asked after the sandboxed attempt failed: nothing written yet.
    expect(existsSync(path.join(dir, "made.txt"))).toBe(false);
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    await turnsEnded(s);
    expect(readFileSync(path.join(dir, "made.txt"), "utf8")).toBe("written\n");
    expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([0]);
  });

  it("on-failure: a denied rerun leaves the tree untouched", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-failure", "read-only"));
    model.enqueue(shellCall("w", writeFile(path.join(dir, "made.txt"))), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "go");
    const ask = await approvalRequest(s);
    s.send({ id: ask.id as number, result: { decision: "denied" } });
    await turnsEnded(s);
    expect(existsSync(path.join(dir, "made.txt"))).toBe(false);
    expect(callOutput("w")).toBe("exec command rejected by user");
  });

  it("on-failure: approved_for_session covers the same rerun in the same folder, not in another", async () => {
    const [root] = [tempDir()];
    const [a, b] = [path.join(root, "A"), path.join(root, "B")];
    mkdirSync(a);
    mkdirSync(b);
    const write = ["bash", "-c", "echo $RANDOM >> log.txt"];
    const s = await startInitialized(start, toml("on-failure", "read-only"));
    model.enqueue(shellCall("a1", write, { workdir: a }), shellCall("a2", write, { workdir: a }), shellCall("b1", write, { workdir: b }), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: root });
    await say(s, conversationId, "go");
    const first = await approvalRequest(s, 0);
    expect(first.params).toMatchObject({ callId: "a1", cwd: a, reason: RETRY_REASON });
    s.send({ id: first.id as number, result: { decision: "approved_for_session" } });
    const second = await approvalRequest(s, 1);
    expect(second.params).toMatchObject({ callId: "b1", cwd: b });
    s.send({ id: second.id as number, result: { decision: "denied" } });
    await turnsEnded(s);
    expect(readFileSync(path.join(a, "log.txt"), "utf8").trim().split("\n")).toHaveLength(2);
    expect(existsSync(path.join(b, "log.txt"))).toBe(false);
  });

  it("on-failure: a command failing for its own reasons is not offered a rerun", async () => {
    const s = await startInitialized(start, toml("on-failure", "read-only"));
    model.enqueue(shellCall("f", ["bash", "-c", "exit 3"]), shellCall("nf", ["no-such-program-xyz"]), textTurn("done"));
    await runOne(s, tempDir());
    expect(approvals(s)).toHaveLength(0);
    expect(events(s, "exec_command_end").every((e) => e.exit_code !== 0)).toBe(true);
  });

  it("v2 on-failure: item/commandExecution/requestApproval with the rerun reason; accept reruns unsandboxed", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-failure", "read-only"));
    model.enqueue(shellCall("w", writeFile(path.join(dir, "made.txt"))), textTurn("done"));
    const { threadId, ask } = await v2TurnAskingApproval(s, dir);
    expect(ask.params).toMatchObject({ threadId, reason: RETRY_REASON });
    s.send({ id: ask.id as number, result: { decision: "accept" } });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    expect(existsSync(path.join(dir, "made.txt"))).toBe(true);
  });

  it("on-request: runs sandboxed without asking; an escalation request asks with its justification and runs unsandboxed", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request", "read-only"));
    model.enqueue(
      shellCall("plain", writeFile(path.join(dir, "plain.txt"))),
      shellCall("esc", writeFile(path.join(dir, "esc.txt")), { sandbox_permissions: "require_escalated", justification: "Write esc.txt?" }),
      textTurn("done"),
    );
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "go");
    const ask = await approvalRequest(s);
    expect(ask.params).toMatchObject({ callId: "esc", reason: "Write esc.txt?" });
    s.send({ id: ask.id as number, result: { decision: "approved" } });
    await turnsEnded(s);
    expect(approvals(s)).toHaveLength(1);
    expect(existsSync(path.join(dir, "plain.txt"))).toBe(false);
    expect(existsSync(path.join(dir, "esc.txt"))).toBe(true);
  });

  it("v2 on-request: an escalation request asks with its justification; decline runs nothing", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request", "read-only"));
    model.enqueue(shellCall("esc", writeFile(path.join(dir, "esc.txt")), { sandbox_permissions: "require_escalated", justification: "Write esc.txt?" }), textTurn("done"));
    const { threadId, ask } = await v2TurnAskingApproval(s, dir);
    expect(ask.params).toMatchObject({ threadId, reason: "Write esc.txt?" });
    s.send({ id: ask.id as number, result: { decision: "decline" } });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn/completed");
    const item = s
      .notifications("item/completed")
      .map((m) => (m.params as { item: JsonObject }).item)
      .find((i) => i.type === "commandExecution")!;
    expect(item.status).toBe("declined");
    expect(existsSync(path.join(dir, "esc.txt"))).toBe(false);
  });

  it("never: never asks, and an escalation request is refused with the reference's text, running nothing", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("never", "read-only"));
    model.enqueue(
      shellCall("plain", writeFile(path.join(dir, "plain.txt"))),
      shellCall("esc", writeFile(path.join(dir, "esc.txt")), { sandbox_permissions: "require_escalated", justification: "please" }),
      textTurn("done"),
    );
    await runOne(s, dir);
    expect(approvals(s)).toHaveLength(0);
    expect(existsSync(path.join(dir, "plain.txt"))).toBe(false);
    expect(existsSync(path.join(dir, "esc.txt"))).toBe(false);
    expect(callOutput("esc")).toBe(
      "approval policy is Never; reject command — you should not ask for escalated permissions if the approval policy is Never",
    );
    expect(events(s, "exec_command_begin").map((e) => e.call_id)).toEqual(["plain"]);
  });
});

describe("v2 turn/start sandboxPolicy", () => {
  it("lets one thread's later turns write in cwd under workspaceWrite", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("never", "read-only"));
    model.enqueue(shellCall("ro", writeFile(path.join(dir, "ro.txt"))), textTurn("one"), shellCall("ww", writeFile(path.join(dir, "ww.txt"))), textTurn("two"));
    const started = await s.request("thread/start", { cwd: dir });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "a" }] });
    await s.waitFor(() => s.notifications("turn/completed")[0], 15_000, "turn 1");
    const policy = { type: "workspaceWrite", excludeSlashTmp: true, excludeTmpdirEnvVar: true };
    await s.request("turn/start", { threadId, input: [{ type: "text", text: "b" }], sandboxPolicy: policy });
    await s.waitFor(() => s.notifications("turn/completed")[1], 15_000, "turn 2");
    expect(existsSync(path.join(dir, "ro.txt"))).toBe(false);
    expect(existsSync(path.join(dir, "ww.txt"))).toBe(true);
  });
});

describe("the model hears when its permissions change", () => {
  it("a turn with a new sandboxPolicy starts with a new permissions message; an unchanged one adds none", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("never", "read-only"));
    model.enqueue(textTurn("one"), textTurn("two"), textTurn("three"));
    const started = await s.request("thread/start", { cwd: dir });
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    const turn = async (n: number, extra: JsonObject = {}) => {
      await s.request("turn/start", { threadId, input: [{ type: "text", text: `turn ${n}` }], ...extra });
      await s.waitFor(() => s.notifications("turn/completed")[n - 1], 15_000, `turn ${n}`);
    };
    await turn(1);
    await turn(2);
    await turn(3, { sandboxPolicy: { type: "workspaceWrite", excludeSlashTmp: true, excludeTmpdirEnvVar: true } });
    const permissions = (n: number) =>
      (model.requests[n]!.body.input as { role?: string; content?: { text?: string }[] }[])
        .filter((i) => i.role === "developer")
        .map((i) => i.content?.[0]?.text ?? "")
        .filter((text) => text.startsWith("<permissions instructions>"));
    expect(permissions(0)).toHaveLength(1);
    expect(permissions(1)).toHaveLength(1);
    const third = permissions(2);
    expect(third).toHaveLength(2);
    expect(third[0]).toContain("Sandbox: read-only");
    expect(third[1]).toContain("Sandbox: workspace-write, enforced with bubblewrap");
    expect(third[1]).toContain(`- ${dir}`);
  });
});

describe("no trusted bubblewrap", () => {
  it("refuses commands under read-only with the fix, says so in configWarning and to the model", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("on-request", "read-only"), { env: { CODEX_APP_SERVER_BWRAP_PATHS: path.join(dir, "missing-bwrap") } });
    const warning = await s.waitFor(() => s.notifications("configWarning")[0], 10_000, "a configWarning");
    expect(String((warning.params as JsonObject).summary)).toMatch(/sandbox_mode "read-only" cannot be enforced.*Install bubblewrap/);
    model.enqueue(shellCall("ls", ["ls"]), textTurn("done"));
    await runOne(s, dir);
    const [end] = events(s, "exec_command_end");
    expect(end!.exit_code).toBe(-1);
    expect(callOutput("ls")).toMatch(/^Command not run: sandbox_mode "read-only" cannot be enforced: no trusted bubblewrap found.*Install bubblewrap/);
    expect(permissionsText()).toContain("cannot be enforced on this machine");
  });

  it("does not trust a bwrap copy in a folder others can write to (the hook cannot run an untrusted binary)", async () => {
    const dir = tempDir();
    // /tmp is world-writable: a copy of the real bwrap below it fails the ownership check.
    const copy = path.join(dir, "bwrap");
    copyFileSync("/usr/bin/bwrap", copy);
    const marker = path.join(dir, "ran");
    const s = await startInitialized(start, toml("never", "read-only"), { env: { CODEX_APP_SERVER_BWRAP_PATHS: copy } });
    model.enqueue(shellCall("t", ["bash", "-c", `: > '${marker}'`]), textTurn("done"));
    await runOne(s, dir);
    expect(callOutput("t")).toContain("writable by group or others");
    expect(existsSync(marker)).toBe(false);
  });

  it("danger-full-access needs none: no warning, commands run", async () => {
    const dir = tempDir();
    const s = await startInitialized(start, toml("never", "danger-full-access"), { env: { CODEX_APP_SERVER_BWRAP_PATHS: path.join(dir, "missing-bwrap") } });
    model.enqueue(shellCall("w", writeFile(path.join(dir, "ok.txt"))), textTurn("done"));
    await runOne(s, dir);
    expect(existsSync(path.join(dir, "ok.txt"))).toBe(true);
    expect(s.notifications("configWarning")).toHaveLength(0);
  });
});

describe("a sandboxed command does not outlive its timeout", () => {
  it("times out with exit 124 and nothing inside bwrap is left running", async () => {
    const marker = `sandboxed-timeout-${process.pid}-${Date.now()}`;
    const s = await startInitialized(start, toml("never", "read-only"));
    model.enqueue(shellCall("slow", ["bash", "-c", `exec -a ${marker} sleep 30`], { timeout_ms: 300 }), textTurn("done"));
    try {
      await runOne(s, tempDir());
      expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([124]);
      await s.waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 5_000, "the sandboxed sleep to be gone");
    } finally {
      killProcessesWith(marker);
    }
  });
});

describe("a sandboxed command does not outlive its server", () => {
  it("SIGKILL of the server takes the command inside bwrap with it", async () => {
    const marker = `sandboxed-sleep-${process.pid}-${Date.now()}`;
    const dir = tempDir();
    const started = path.join(dir, "started");
    writeFileSync(started, "");
    const s = await startInitialized(start, toml("never", "workspace-write", ONLY_CWD));
    model.enqueue(shellCall("sleep", ["bash", "-c", `echo up >> started; exec -a ${marker} sleep 30`]));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "sleep");
    try {
      await s.waitFor(() => (processesWith(marker).length > 0 ? true : undefined), 10_000, "the sandboxed sleep to run");
      s.child.kill("SIGKILL");
      await s.exited;
      await s.waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 5_000, "the sandboxed sleep to be gone");
    } finally {
      killProcessesWith(marker);
    }
  });
});

/** Starts a v2 thread in `dir` and a turn, and waits for its first command approval request. */
async function v2TurnAskingApproval(s: ServerProcess, dir: string): Promise<{ threadId: string; ask: JsonObject }> {
  const started = await s.request("thread/start", { cwd: dir });
  const threadId = (started.result as { thread: { id: string } }).thread.id;
  await s.request("turn/start", { threadId, input: [{ type: "text", text: "go" }] });
  const ask = await s.waitFor(() => s.messages.find((m) => m.method === "item/commandExecution/requestApproval" && "id" in m), 15_000, "a v2 approval");
  return { threadId, ask };
}
