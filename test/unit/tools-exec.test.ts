import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { CappedText } from "../../src/tools/capped-text.js";
import { groupAlive, killAllRunningCommands, runCommand, runningCommandCount, TIMEOUT_EXIT_CODE, type ExecRequest } from "../../src/tools/exec.js";
import { runningMembers } from "../support/process-groups.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tools-exec-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
const req = (command: string[], extra: Partial<ExecRequest> = {}): ExecRequest => ({ command, cwd: tmp, env, ...extra });
const sh = (script: string, extra: Partial<ExecRequest> = {}) => req(["bash", "-c", script], extra);

async function groupGone(pgid: number): Promise<boolean> {
  return (await waitUntil(() => runningMembers(pgid) === 0, 1000)) && (await waitUntil(() => !groupAlive(pgid), 10_000));
}

async function waitUntil(check: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe("runCommand", () => {
  it("captures stdout and a zero exit code", async () => {
    const r = await runCommand(req(["echo", "hello"]));
    expect(r).toMatchObject({ exitCode: 0, stdout: "hello\n", stderr: "", aggregatedOutput: "hello\n", timedOut: false, aborted: false, spawnError: null });
    expect(r.pid).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("reports non-zero exit codes and stderr", async () => {
    const r = await runCommand(sh("echo oops >&2; exit 3"));
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe("oops\n");
    expect(r.stdout).toBe("");
    expect(r.aggregatedOutput).toBe("oops\n");
  });

  it("interleaves stdout and stderr in arrival order", async () => {
    const r = await runCommand(sh("echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three"));
    expect(r.aggregatedOutput).toBe("one\ntwo\nthree\n");
    expect(r.stdout).toBe("one\nthree\n");
    expect(r.stderr).toBe("two\n");
  });

  it("runs in the given cwd with exactly the given env", async () => {
    const r = await runCommand(sh('pwd; echo "$FOO"; echo "${HOME:-unset}"', { env: { ...env, FOO: "bar" } }));
    expect(r.stdout).toBe(`${tmp}\nbar\nunset\n`);
  });

  it("ignores stdin", async () => {
    const r = await runCommand(req(["cat"]));
    expect(r).toMatchObject({ exitCode: 0, stdout: "" });
  });

  it("keeps multi-byte characters whole across chunk boundaries", async () => {
    // printf writes the two bytes of "é" in separate writes.
    const r = await runCommand(sh("printf '\\303'; sleep 0.05; printf '\\251\\n'"));
    expect(r.stdout).toBe("é\n");
  });

  it("calls onOutput for every chunk", async () => {
    const chunks: string[] = [];
    const r = await runCommand(sh("echo a; sleep 0.05; echo b >&2"), { onOutput: (stream, chunk) => chunks.push(`${stream}:${chunk.toString()}`) });
    expect(chunks).toEqual(["stdout:a\n", "stderr:b\n"]);
    expect(r.exitCode).toBe(0);
  });

  it("survives an onOutput hook that throws", async () => {
    const r = await runCommand(req(["echo", "x"]), {
      onOutput: () => {
        throw new Error("observer bug");
      },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: "x\n" });
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    let pid = 0;
    const started = Date.now();
    const r = await runCommand(sh("sleep 30 & sleep 30", { timeoutMs: 300 }), { onSpawn: (p) => (pid = p) });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(TIMEOUT_EXIT_CODE);
    expect(r.signal).toBe("SIGKILL");
    expect(r.pid).toBe(pid);
    // Both sleeps held the pipes, so by the time the result arrives they are (nearly) dead.
    expect(await waitUntil(() => runningMembers(pid) === 0, 300)).toBe(true);
    expect(await groupGone(pid)).toBe(true);
  });

  it("keeps the output printed before a timeout", async () => {
    const r = await runCommand(sh("echo before; sleep 30", { timeoutMs: 300 }));
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe("before\n");
  });

  it("kills the group at once when the signal aborts", async () => {
    const controller = new AbortController();
    let pid = 0;
    const started = Date.now();
    const pending = runCommand(sh("sleep 30 & sleep 30"), {
      signal: controller.signal,
      onSpawn: (p) => {
        pid = p;
        setTimeout(() => controller.abort(), 100);
      },
    });
    const r = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: 137, signal: "SIGKILL" });
    expect(await waitUntil(() => runningMembers(pid) === 0, 300)).toBe(true);
    expect(await groupGone(pid)).toBe(true);
  });

  it("does not start a command whose signal already fired", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCommand(req(["echo", "never"]), { signal: controller.signal });
    expect(r).toMatchObject({ aborted: true, pid: null, stdout: "" });
  });

  it("returns a result, not an exception, for a missing command", async () => {
    const r = await runCommand(req(["definitely-not-a-command-xyz", "arg"]));
    expect(r.exitCode).toBe(127);
    expect(r.pid).toBeNull();
    expect(r.spawnError).toContain("definitely-not-a-command-xyz");
    expect(r.stderr).toBe(r.spawnError);
    expect(r.aggregatedOutput).toBe(r.spawnError);
  });

  it("returns a result for a file that is not executable", async () => {
    const file = path.join(tmp, "not-executable");
    writeFileSync(file, "echo hi\n", { mode: 0o644 });
    const r = await runCommand(req([file]));
    expect(r.exitCode).toBe(126);
    expect(r.spawnError).toMatch(/Permission denied/);
  });

  it("returns a result for a missing cwd and for an empty command", async () => {
    const bad = await runCommand(req(["echo", "x"], { cwd: path.join(tmp, "nope") }));
    expect(bad.exitCode).toBe(-1);
    expect(bad.stderr).toMatch(/working directory does not exist/);
    const empty = await runCommand(req([]));
    expect(empty.exitCode).toBe(-1);
    expect(empty.stderr).toBe("command args are empty");
  });

  it("reports death by signal as 128 + N", async () => {
    const r = await runCommand(sh("kill -TERM $$"));
    expect(r.exitCode).toBe(143);
    expect(r.signal).toBe("SIGTERM");
  });

  it("caps huge output, keeping head and tail", async () => {
    const r = await runCommand(sh("yes | head -c 5000000; echo; echo THE-END"));
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBeLessThan(1.1 * 1024 * 1024);
    expect(r.stdout.startsWith("y\ny\n")).toBe(true);
    expect(r.stdout).toMatch(/\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    expect(r.stdout.endsWith("THE-END\n")).toBe(true);
    expect(r.aggregatedOutput.length).toBeLessThan(1.1 * 1024 * 1024);
    expect(r.aggregatedOutput.endsWith("THE-END\n")).toBe(true);
  });

  it("does not wait forever for pipes held by a background grandchild", async () => {
    const started = Date.now();
    const r = await runCommand(sh("sleep 30 & echo started"));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("started\n");
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.pid).not.toBeNull();
    // The leftover sleep is killed at shutdown.
    expect(groupAlive(r.pid as number)).toBe(true);
    killAllRunningCommands();
    expect(await groupGone(r.pid as number)).toBe(true);
  });

  it("killAllRunningCommands kills every live command", async () => {
    const pids: number[] = [];
    const runs = [1, 2].map(() => runCommand(sh("sleep 30 & sleep 30"), { onSpawn: (p) => pids.push(p) }));
    expect(await waitUntil(() => pids.length === 2)).toBe(true);
    expect(runningCommandCount()).toBe(2);
    expect(killAllRunningCommands()).toBe(2);
    const results = await Promise.all(runs);
    for (const r of results) expect(r).toMatchObject({ aborted: true, exitCode: 137 });
    for (const pid of pids) expect(await groupGone(pid)).toBe(true);
    expect(runningCommandCount()).toBe(0);
  });

  it("leaves no listeners on the abort signal", async () => {
    const controller = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, ...rest: unknown[]) => {
      added.push(type);
      return (add as (...a: unknown[]) => void)(type, ...rest);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, ...rest: unknown[]) => {
      removed.push(type);
      return (remove as (...a: unknown[]) => void)(type, ...rest);
    }) as typeof signal.removeEventListener;
    await runCommand(req(["true"]), { signal });
    expect(added).toEqual(["abort"]);
    expect(removed).toEqual(["abort"]);
  });
});

describe("runCommand pacing", () => {
  it("stops reading while the consumer is behind, so the command blocks, and reads on once it catches up", async () => {
    let release = () => {};
    const behind = new Promise<void>((resolve) => (release = resolve));
    const done = path.join(tmp, "paced-done");
    let delivered = 0;
    const running = runCommand(sh(`head -c 5000000 /dev/zero && touch ${done}`), {
      onOutput: (_, chunk) => (delivered += chunk.length),
      pace: () => behind,
    });
    // Unpaced, 5 MB through a pipe takes milliseconds; paced, the command cannot finish.
    expect(await waitUntil(() => existsSync(done), 1_000)).toBe(false);
    expect(delivered).toBeLessThan(1_000_000);
    release();
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(delivered).toBe(5_000_000);
  });

  it("an abort is not held up by a consumer that never catches up", async () => {
    const controller = new AbortController();
    const running = runCommand(sh("head -c 5000000 /dev/zero; sleep 30"), { signal: controller.signal, pace: () => new Promise<void>(() => {}) });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const result = await running;
    expect(result.aborted).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("keeps pacing a background grandchild after the command itself exited", async () => {
    const controller = new AbortController();
    const done = path.join(tmp, "grandchild-done");
    // Paused by the first chunk, before the leader exits (Node resumes the pipes at that exit).
    const script = `printf A; (sleep 0.3; head -c 20000000 /dev/zero; touch ${done}) & sleep 0.1`;
    const running = runCommand(sh(script), { signal: controller.signal, pace: () => new Promise<void>(() => {}) });
    // Unpaced, 20 MB would pass in milliseconds.
    expect(await waitUntil(() => existsSync(done), 1_500)).toBe(false);
    controller.abort();
    expect((await running).aborted).toBe(true);
  });

  it("keeps the output of a command that exited while reading was paused", async () => {
    let release = () => {};
    const behind = new Promise<void>((resolve) => (release = resolve));
    let paced = false;
    const exited = path.join(tmp, "paused-exit");
    const running = runCommand(sh(`printf A; sleep 0.3; head -c 30000 /dev/zero; touch ${exited}`), {
      // Behind from the first chunk on: the rest (it fits the pipe) waits there after the exit.
      pace: () => ((paced = true), behind),
    });
    await waitUntil(() => existsSync(exited), 5_000);
    // Longer than the 2 s allowed for pipes held open after an exit.
    await new Promise((r) => setTimeout(r, 2_500));
    release();
    const result = await running;
    expect(paced).toBe(true);
    expect(result.stdout.length).toBe(30_001);
  });
});

describe("CappedText", () => {
  it("keeps everything under the cap", () => {
    const t = new CappedText(10);
    t.append("abc", 3);
    t.append("def", 3);
    expect(t.truncated).toBe(false);
    expect(t.toString()).toBe("abcdef");
  });

  it("keeps head and tail with a marker counting omitted bytes", () => {
    const t = new CappedText(10);
    for (const piece of ["01234", "56789", "abcde", "fghij"]) t.append(piece, 5);
    expect(t.truncated).toBe(true);
    expect(t.toString()).toBe("01234\n[... 10 bytes of output omitted ...]\nfghij");
  });

  it("lets go of the pieces it drops (a command printing gigabytes must not pin them)", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const t = new CappedText(1024 * 1024);
    // 64 MB of distinct, flat 64 KB strings, as chunks decoded from a pipe are.
    for (let i = 0; i < 1000; i++) t.append(Buffer.alloc(64 * 1024, 65 + (i % 26)).toString("latin1"), 64 * 1024);
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(t.truncated).toBe(true);
    // About 1 MB of text is kept; pinning dropped pieces held up to 64 MB here.
    expect(kept).toBeLessThan(16 * 1024 * 1024);
  });

  it("never splits a surrogate pair", () => {
    const t = new CappedText(4);
    t.append("a😀b😀c😀d", 19);
    const s = t.toString();
    expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(s).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});
