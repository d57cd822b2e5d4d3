// Shell commands as a v1 client sees them: which ask under `untrusted`, what approved_for_session
// covers, output paced to a slow client, and no command outliving its server.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { functionCallTurn, startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { runningMembers } from "../support/process-groups.js";
import { expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";
import { approvalRequest, events, fakeProviderToml, openConversation, say, startInitialized, turnsEnded, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "v1-commands-");

const shellCall = (callId: string, command: string[], workdir?: string) =>
  functionCallTurn({ callId, name: "shell", arguments: JSON.stringify({ command, ...(workdir ? { workdir } : {}) }) });

const approvals = (s: Awaited<ReturnType<typeof startInitialized>>) => s.messages.filter((m) => m.method === "execCommandApproval" && "id" in m);

describe("untrusted: commands that write ask first", () => {
  it("asks for `uniq IN OUT` but runs `uniq IN` at once", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a"), "x\nx\ny\n");
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(shellCall("c1", ["bash", "-lc", "uniq a"], dir), shellCall("c2", ["bash", "-lc", "uniq a b"], dir), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: dir });
    await say(s, conversationId, "dedupe");
    const ask = await approvalRequest(s);
    expect(ask.params).toMatchObject({ callId: "c2", command: ["bash", "-lc", "uniq a b"] });
    s.send({ id: ask.id as number, result: { decision: "denied" } });
    await turnsEnded(s);
    expect(approvals(s)).toHaveLength(1);
    expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([0, -1]);
    expect(existsSync(path.join(dir, "b"))).toBe(false);
  });
});

describe("approved_for_session", () => {
  it("covers the same command in the same folder only", async () => {
    const root = tempDir();
    const [a, b] = [path.join(root, "A"), path.join(root, "B")];
    for (const dir of [a, b]) {
      mkdirSync(dir);
      writeFileSync(path.join(dir, "keep.txt"), "keep");
    }
    const rm = ["bash", "-c", "rm -f keep.txt"];
    const s = await startInitialized(start, fakeProviderToml(model));
    model.enqueue(shellCall("c1", rm, a), shellCall("c2", rm, b), shellCall("c3", rm, a), textTurn("done"));
    const { conversationId } = await openConversation(s, { cwd: root });
    await say(s, conversationId, "clean up");
    const first = await approvalRequest(s, 0);
    expect(first.params).toMatchObject({ callId: "c1", cwd: a });
    s.send({ id: first.id as number, result: { decision: "approved_for_session" } });
    // The same argv in folder B is another action: it asks again, and denied it touches nothing.
    const second = await approvalRequest(s, 1);
    expect(second.params).toMatchObject({ callId: "c2", cwd: b });
    s.send({ id: second.id as number, result: { decision: "denied" } });
    await turnsEnded(s);
    // Back in folder A the remembered approval still holds.
    expect(approvals(s)).toHaveLength(2);
    expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([0, -1, 0]);
    expect(existsSync(path.join(a, "keep.txt"))).toBe(false);
    expect(existsSync(path.join(b, "keep.txt"))).toBe(true);
  });
});

describe("a client that stops reading while a command floods output", () => {
  it("pauses the command instead of buffering its output, and delivers all of it once reading resumes", async () => {
    const bytes = 150_000_000;
    const written = path.join(tempDir(), "written");
    let delivered = 0;
    const s = await startInitialized(start, fakeProviderToml(model, "", "never"), {
      // Count the output deltas instead of keeping ~200 MB of base64 in the test process.
      consume: (m) => {
        if (m.method !== "codex/event/exec_command_output_delta") return false;
        delivered += Buffer.from((m.params as { msg: { chunk: string } }).msg.chunk, "base64").length;
        return true;
      },
    });
    model.enqueue(
      functionCallTurn({ callId: "flood", name: "shell", arguments: JSON.stringify({ command: ["bash", "-c", `head -c ${bytes} /dev/zero && touch ${written}`], timeout_ms: 120_000 }) }),
      textTurn("done"),
    );
    // Sandboxed (workspace-write on the folder it writes to): pacing holds through bwrap too.
    const { conversationId } = await openConversation(s, { cwd: path.dirname(written), sandbox: "workspace-write" });
    await say(s, conversationId, "flood");
    await s.waitFor(() => events(s, "exec_command_begin")[0], 10_000, "the command to start");
    s.child.stdout.pause();
    // Unpaced, the server swallows the whole output and the command finishes; paced, it blocks.
    const finishedUnread = await eventually(() => existsSync(written), 5_000);
    const peakWhilePaused = peakRssBytes(s.child.pid!);
    s.child.stdout.resume();
    await s.waitFor(() => (events(s, "task_complete").length ? true : undefined), 60_000, "the turn to complete");
    expect(finishedUnread).toBe(false);
    // Paced it stays near 50 MiB; unpaced it passed 250 MiB.
    expect(peakWhilePaused).toBeLessThan(150 * 1024 * 1024);
    expect(events(s, "exec_command_end").map((e) => e.exit_code)).toEqual([0]);
    expect(delivered).toBe(bytes);
  }, 90_000);
});

describe("no command outlives its server", () => {
  it.each(["SIGKILL", "SIGTERM"] as const)("%s of the server kills the command's whole process group", async (signal) => {
    const dir = tempDir();
    const pgidFile = path.join(dir, "pgid");
    const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
    // A background sleep and a foreground one: the group, not just its leader, must go.
    model.enqueue(shellCall("c1", ["bash", "-c", `sleep 30 & echo $$ > ${pgidFile}; sleep 30; wait`], dir));
    // Unsandboxed: $$ is then the host's process group id (a sandbox has its own pid namespace;
    // sandbox.test.ts checks that sandboxed commands die with the server too).
    const { conversationId } = await openConversation(s, { cwd: dir, sandbox: "danger-full-access" });
    await say(s, conversationId, "sleep");
    const pgid = await s.waitFor(() => readPgid(pgidFile), 10_000, "the command to write its process group id");
    try {
      s.child.kill(signal);
      await s.exited;
      await s.waitFor(() => (runningMembers(pgid) === 0 ? true : undefined), 5_000, `process group ${pgid} to be gone`);
    } finally {
      killLeftovers(pgid);
    }
  });
});

async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The process's high-water mark of resident memory.
function peakRssBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmHWM for ${pid}`);
  return Number(match[1]) * 1024;
}

function readPgid(file: string): number | undefined {
  try {
    const pgid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pgid) && pgid > 1 ? pgid : undefined;
  } catch {
    return undefined;
  }
}

// A failing run must not leave 30-second sleeps behind for the other tests.
function killLeftovers(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}
