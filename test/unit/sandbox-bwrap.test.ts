// The sandbox for real: commands prepared by prepareSandboxedSpawn and spawned with bubblewrap,
// checked by what they could and could not change. Skipped (with a message) only where bwrap is
// not installed; CI installs it.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectSandbox, type SandboxAvailability } from "../../src/sandbox/availability.js";
import type { SandboxPolicy } from "../../src/sandbox/policy.js";
import { isRefusal, prepareSandboxedSpawn, type PreparedSpawn } from "../../src/sandbox/prepare-spawn.js";
import { useTempDirs } from "../support/temp-dirs.js";

const BWRAP = "/usr/bin/bwrap";
const haveBwrap = existsSync(BWRAP);
if (!haveBwrap) console.warn(`sandbox-bwrap tests skipped: ${BWRAP} is not installed (apt-get install bubblewrap)`);

/** A request's cwd that is also its policy cwd (the turn's). */
const at = (dir: string) => ({ cwd: dir, policyCwd: dir });
const tempDir = useTempDirs(afterEach, "sandbox-bwrap-");
const env = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" };
// Every test but the /tmp and TMPDIR ones keeps both out, so "outside the roots" is really outside.
const NO_TMP = { exclude_slash_tmp: true, exclude_tmpdir_env_var: true } as const;

interface Outcome { code: number | null; stdout: string; stderr: string }

function run(prepared: PreparedSpawn): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(prepared.file, prepared.args, { cwd: prepared.cwd, env: prepared.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function sandboxed(policy: SandboxPolicy, cwd: string, script: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const availability = await detectSandbox();
  expect(availability).toMatchObject({ available: true, bwrapPath: BWRAP });
  const prepared = await prepareSandboxedSpawn(policy, { command: ["sh", "-c", script], cwd, policyCwd: cwd, env: { ...env, ...extraEnv } }, availability);
  if (isRefusal(prepared)) throw new Error(prepared.refused);
  expect(prepared.sandbox).toBe("bwrap");
  return run(prepared);
}

describe.skipIf(!haveBwrap)("commands under bubblewrap", () => {
  it("read-only: a write in cwd fails and leaves no file", async () => {
    const cwd = tempDir();
    const r = await sandboxed({ type: "read-only" }, cwd, "echo hi > made.txt");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(existsSync(path.join(cwd, "made.txt"))).toBe(false);
  });

  it("read-only: reading works and /dev/null stays writable", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "in.txt"), "content\n");
    const r = await sandboxed({ type: "read-only" }, cwd, "cat in.txt && echo gone > /dev/null && pwd");
    expect(r).toEqual({ code: 0, stdout: `content\n${realpathSync(cwd)}\n`, stderr: "" });
  });

  it("workspace-write: writes in cwd, not in a folder outside it", async () => {
    const cwd = tempDir();
    const outside = tempDir();
    const inside = await sandboxed({ type: "workspace-write", ...NO_TMP }, cwd, "echo in > made.txt");
    expect(inside.code).toBe(0);
    expect(readFileSync(path.join(cwd, "made.txt"), "utf8")).toBe("in\n");
    const out = await sandboxed({ type: "workspace-write", ...NO_TMP }, cwd, `echo out > ${outside}/made.txt`);
    expect(out.code).not.toBe(0);
    expect(existsSync(path.join(outside, "made.txt"))).toBe(false);
  });

  it("workspace-write: the command's own workdir grants nothing; the turn's cwd is what is writable", async () => {
    const turnCwd = tempDir();
    const workdir = tempDir();
    const availability = await detectSandbox();
    const prepared = await prepareSandboxedSpawn(
      { type: "workspace-write", ...NO_TMP },
      { command: ["sh", "-c", `echo x > here.txt; echo $?; echo y > ${turnCwd}/turn.txt; echo $?; pwd`], cwd: workdir, policyCwd: turnCwd, env },
      availability,
    );
    if (isRefusal(prepared)) throw new Error(prepared.refused);
    const r = await run(prepared);
    const [here, turn, pwd] = r.stdout.trim().split("\n");
    expect([here !== "0", turn, pwd]).toEqual([true, "0", realpathSync(workdir)]);
    expect(existsSync(path.join(workdir, "here.txt"))).toBe(false);
    expect(readFileSync(path.join(turnCwd, "turn.txt"), "utf8")).toBe("y\n");
  });

  it("workspace-write: a symlink one command plants where a writable root is configured does not open its target to the next", async () => {
    const cwd = tempDir();
    const outside = tempDir();
    // build does not exist yet (an existing root is a mount point inside the sandbox: it cannot be swapped).
    const policy: SandboxPolicy = { type: "workspace-write", writable_roots: [path.join(cwd, "build")], ...NO_TMP };
    const plant = await sandboxed(policy, cwd, `ln -s ${outside} build`);
    expect(plant.code).toBe(0);
    const exploit = await sandboxed(policy, cwd, "echo pwned > build/pwned");
    expect(exploit.code).not.toBe(0);
    expect(existsSync(path.join(outside, "pwned"))).toBe(false);
  });

  it("workspace-write: a later turn's cwd that an earlier command planted as a symlink is refused", async () => {
    const parent = tempDir();
    const outside = tempDir();
    const cwd = path.join(parent, "proj");
    // Both turns keep `parent` writable; turn one runs in it, turn two in parent/proj.
    const policy: SandboxPolicy = { type: "workspace-write", writable_roots: [parent], ...NO_TMP };
    const plant = await sandboxed(policy, parent, `ln -s ${outside} proj`);
    expect(plant.code).toBe(0);
    const prepared = await prepareSandboxedSpawn(policy, { command: ["touch", "pwned"], ...at(cwd), env }, await detectSandbox());
    expect(prepared).toEqual({
      refused: `Command not run: the working directory ${cwd} cannot be used (${cwd} is reached through ${realpathSync(parent)}/proj, a symlink inside a writable folder)`,
    });
    expect(readdirSync(outside)).toEqual([]);
  });

  it("workspace-write: writable_roots are writable too", async () => {
    const cwd = tempDir();
    const extra = tempDir();
    const r = await sandboxed({ type: "workspace-write", writable_roots: [extra], ...NO_TMP }, cwd, `echo x > ${extra}/made.txt`);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(extra, "made.txt"), "utf8")).toBe("x\n");
  });

  it("workspace-write: .git inside cwd stays read-only, the rest of cwd does not", async () => {
    const cwd = tempDir();
    mkdirSync(path.join(cwd, ".git", "hooks"), { recursive: true });
    writeFileSync(path.join(cwd, ".git", "HEAD"), "ref: refs/heads/main\n");
    const r = await sandboxed(
      { type: "workspace-write", ...NO_TMP },
      cwd,
      "echo evil > .git/hooks/pre-commit; a=$?; echo x >> .git/HEAD; b=$?; rm -rf .git; c=$?; echo ok > src.txt; echo $a $b $c $?",
    );
    expect(r.stdout.trim().split(" ").map((n) => n !== "0")).toEqual([true, true, true, false]);
    expect(existsSync(path.join(cwd, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(path.join(cwd, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
    expect(readFileSync(path.join(cwd, "src.txt"), "utf8")).toBe("ok\n");
  });

  it("the command holds no capabilities: it cannot remount / writable or unmount the read-only .git", async () => {
    const cwd = tempDir();
    const outside = tempDir();
    mkdirSync(path.join(cwd, ".git"));
    writeFileSync(path.join(cwd, ".git", "HEAD"), "ref: refs/heads/main\n");
    const r = await sandboxed(
      { type: "workspace-write", ...NO_TMP },
      cwd,
      `grep CapEff /proc/self/status; mount -o remount,rw / && echo x > ${outside}/made; umount .git && echo x > .git/HEAD; true`,
    );
    expect(r.stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(existsSync(path.join(outside, "made"))).toBe(false);
    expect(readFileSync(path.join(cwd, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
  });

  it("workspace-write: a worktree's .git pointer file and its git directory stay read-only", async () => {
    const cwd = tempDir();
    const gitParent = tempDir();
    const gitdir = path.join(gitParent, "worktrees", "wt");
    mkdirSync(gitdir, { recursive: true });
    writeFileSync(path.join(cwd, ".git"), `gitdir: ${gitdir}\n`);
    const r = await sandboxed(
      { type: "workspace-write", writable_roots: [gitParent], ...NO_TMP },
      cwd,
      `echo x > .git; a=$?; echo x > ${gitdir}/config; b=$?; echo x > ${gitParent}/other; echo $a $b $?`,
    );
    expect(r.stdout.trim().split(" ").map((n) => n !== "0")).toEqual([true, true, false]);
    expect(readFileSync(path.join(cwd, ".git"), "utf8")).toBe(`gitdir: ${gitdir}\n`);
    expect(existsSync(path.join(gitdir, "config"))).toBe(false);
  });

  it("workspace-write: /tmp is writable unless exclude_slash_tmp, $TMPDIR unless exclude_tmpdir_env_var", async () => {
    const cwd = tempDir();
    const inTmp = tempDir(); // under /tmp
    const write = (policy: SandboxPolicy, dir: string, name: string, extraEnv: NodeJS.ProcessEnv = {}) =>
      sandboxed(policy, cwd, `echo x > ${dir}/${name}`, extraEnv).then((r) => r.code === 0 && existsSync(path.join(dir, name)));
    expect(await write({ type: "workspace-write", exclude_tmpdir_env_var: true }, inTmp, "a")).toBe(true);
    expect(await write({ type: "workspace-write", exclude_slash_tmp: true, exclude_tmpdir_env_var: true }, inTmp, "b")).toBe(false);
    expect(await write({ type: "workspace-write", exclude_slash_tmp: true }, inTmp, "c", { TMPDIR: inTmp })).toBe(true);
    expect(await write({ type: "workspace-write", ...NO_TMP }, inTmp, "d", { TMPDIR: inTmp })).toBe(false);
  });

  it("no network: a TCP connect to a 127.0.0.1 server on the host is refused; with network_access it connects", async () => {
    const server = net.createServer((socket) => socket.end("hello\n"));
    let accepted = 0;
    server.on("connection", () => accepted++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const cwd = tempDir();
      // Node is readable inside the sandbox; the sandboxed sh execs it.
      const client = `exec ${process.execPath} -e "require('net').connect(${port}, '127.0.0.1').on('data', (d) => { process.stdout.write(d); process.exit(0); }).on('error', (e) => { console.error(e.code); process.exit(3); })"`;
      const off = await sandboxed({ type: "workspace-write", ...NO_TMP }, cwd, client);
      expect(off).toMatchObject({ code: 3, stdout: "" });
      expect(off.stderr).toMatch(/ECONNREFUSED|ENETUNREACH/);
      expect(accepted).toBe(0);
      const readOnly = await sandboxed({ type: "read-only" }, cwd, client);
      expect(readOnly.code).toBe(3);
      expect(accepted).toBe(0);
      const on = await sandboxed({ type: "workspace-write", network_access: true, ...NO_TMP }, cwd, client);
      expect(on).toMatchObject({ code: 0, stdout: "hello\n" });
      expect(accepted).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("the command cannot see or signal processes outside its sandbox", async () => {
    const r = await sandboxed({ type: "read-only" }, tempDir(), `kill -0 ${process.pid}; echo $?; ls /proc | grep -c '^[0-9]'`);
    const [killStatus, visible] = r.stdout.trim().split("\n");
    expect(killStatus).not.toBe("0");
    expect(Number(visible)).toBeLessThan(10);
  });

  it("a background process the command leaves behind ends with it (the PID namespace goes)", async () => {
    const seconds = `600.${process.pid}${(Date.now() + 3) % 100000}`;
    const r = await sandboxed({ type: "read-only" }, tempDir(), `sleep ${seconds} & echo started`);
    expect(r).toMatchObject({ code: 0, stdout: "started\n" });
    const left = () => processes().filter((p) => p.argv[0] === "sleep" && p.argv[1] === seconds);
    try {
      expect(await waitFor(() => left().length === 0)).toBe(true);
    } finally {
      for (const p of left()) process.kill(p.pid, "SIGKILL");
    }
  });

  it("die-with-parent: the sandboxed command is killed when the process that started bwrap dies", async () => {
    // A sleep whose argument is unique to this run names the sandboxed process in /proc.
    const seconds = `600.${process.pid}${Date.now() % 100000}`;
    const availability = await detectSandbox();
    const prepared = await prepareSandboxedSpawn({ type: "read-only" }, { command: ["sleep", seconds], ...at(tempDir()), env }, availability);
    if (isRefusal(prepared)) throw new Error(prepared.refused);
    // An intermediate parent stands in for the server: it starts bwrap, then we SIGKILL it.
    const parent = spawn("sh", ["-c", '"$@" & wait', "sh", prepared.file, ...prepared.args], { cwd: prepared.cwd, env: prepared.env, stdio: "ignore" });
    const sandboxedSleep = () => processes().filter((p) => p.argv[0] === "sleep" && p.argv[1] === seconds);
    // bwrap and the sleep inside it; the parent's own argv names the sleep too, so leave it out.
    const anyLeft = () => processes().filter((p) => p.pid !== parent.pid && p.argv.includes(seconds));
    try {
      expect(await waitFor(() => sandboxedSleep().length === 1)).toBe(true);
      parent.kill("SIGKILL");
      expect(await waitFor(() => anyLeft().length === 0)).toBe(true);
    } finally {
      for (const p of anyLeft()) process.kill(p.pid, "SIGKILL");
    }
  });

  it("killing the process group it was spawned in (timeout, interrupt) also ends the sandboxed command", async () => {
    const seconds = `600.${process.pid}${(Date.now() + 7) % 100000}`;
    const prepared = await prepareSandboxedSpawn({ type: "read-only" }, { command: ["sleep", seconds], ...at(tempDir()), env }, await detectSandbox());
    if (isRefusal(prepared)) throw new Error(prepared.refused);
    // As src/tools/exec.ts spawns: its own process group, killed as a group.
    const child = spawn(prepared.file, prepared.args, { cwd: prepared.cwd, env: prepared.env, stdio: "ignore", detached: true });
    const anyLeft = () => processes().filter((p) => p.argv.includes(seconds));
    try {
      expect(await waitFor(() => anyLeft().some((p) => p.argv[0] === "sleep"))).toBe(true);
      process.kill(-(child.pid ?? 0), "SIGKILL");
      expect(await waitFor(() => anyLeft().length === 0)).toBe(true);
    } finally {
      for (const p of anyLeft()) process.kill(p.pid, "SIGKILL");
    }
  });

  it("a group kill in bwrap's first milliseconds (interrupt right after the command starts) leaves nothing running", async () => {
    // The race this guards: with --new-session the command left the killed group before
    // --die-with-parent was armed, and survived about 1 run in 20. 120 tries at 0–14 ms.
    const seconds = `600.${process.pid}${(Date.now() + 11) % 100000}`;
    const prepared = await prepareSandboxedSpawn({ type: "read-only" }, { command: ["sh", "-c", `sleep ${seconds}`], ...at(tempDir()), env }, await detectSandbox());
    if (isRefusal(prepared)) throw new Error(prepared.refused);
    const anyLeft = () => processes().filter((p) => p.argv.some((a) => a.includes(seconds)));
    try {
      for (let i = 0; i < 120; i++) {
        const child = spawn(prepared.file, prepared.args, { cwd: prepared.cwd, env: prepared.env, stdio: "ignore", detached: true });
        const exited = new Promise((r) => child.on("exit", r));
        await new Promise((r) => setTimeout(r, i % 15));
        process.kill(-(child.pid ?? 0), "SIGKILL");
        await exited;
      }
      // Survivors would be sleeping for 600 s; give the kernel a moment to reap the rest.
      expect(await waitFor(() => anyLeft().length === 0, 3_000), `left running: ${JSON.stringify(anyLeft())}`).toBe(true);
    } finally {
      for (const p of anyLeft()) process.kill(p.pid, "SIGKILL");
    }
  }, 30_000);

  it("refuses a bwrap at an unsafe location and never runs the command", async () => {
    const dir = tempDir(); // under world-writable /tmp
    const copy = path.join(dir, "bwrap");
    copyFileSync(BWRAP, copy);
    const availability: SandboxAvailability = await detectSandbox({ locations: [copy] });
    expect(availability).toEqual({
      available: false,
      reason: `no trusted bubblewrap found (${copy}: /tmp is writable by group or others (mode 1777))`,
      fix: 'Install bubblewrap (apt-get install bubblewrap), or set sandbox_mode = "danger-full-access" to run commands without a sandbox.',
    });
    if (availability.available) return;
    const cwd = tempDir();
    const prepared = await prepareSandboxedSpawn({ type: "workspace-write" }, { command: ["touch", "made"], cwd, policyCwd: cwd, env }, availability);
    expect(prepared).toEqual({ refused: `Command not run: sandbox_mode "workspace-write" cannot be enforced: ${availability.reason}. ${availability.fix}` });
    expect(readdirSync(cwd)).toEqual([]);
  });
});

/** Live (not zombie) processes with their argv. */
function processes(): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat[stat.lastIndexOf(")") + 2] === "Z") continue;
      out.push({ pid: Number(entry), argv: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").slice(0, -1) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

// Waits for a state change, not a speed: the deadline only stops a broken run from hanging.
async function waitFor(check: () => boolean, deadlineMs = 10_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
