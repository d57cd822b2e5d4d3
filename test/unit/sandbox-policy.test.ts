// The sandbox's pure parts: policy conversions, effective writable roots and protected paths,
// the bwrap argv, the bwrap trust check, refusals and the model's text. No bwrap is run here.
import { chmodSync, chownSync, copyFileSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectSandbox, type SandboxAvailability } from "../../src/sandbox/availability.js";
import { bwrapArgs } from "../../src/sandbox/bwrap-args.js";
import { locateBwrap, untrustedReason } from "../../src/sandbox/bwrap-locate.js";
import { sandboxInstructions } from "../../src/sandbox/instructions.js";
import { sandboxPolicyFromConfig, sandboxPolicyFromV2, type SandboxPolicy } from "../../src/sandbox/policy.js";
import { isRefusal, NETWORK_DISABLED_ENV, prepareSandboxedSpawn, sandboxUnavailableWarning } from "../../src/sandbox/prepare-spawn.js";
import { effectiveWritableRoots, PlantedSymlinkError } from "../../src/sandbox/writable-roots.js";
import { useTempDirs } from "../support/temp-dirs.js";

/** A request's cwd that is also its policy cwd (the turn's). */
const at = (dir: string) => ({ cwd: dir, policyCwd: dir });
const tempDir = useTempDirs(afterEach, "sandbox-policy-");
const real = (p: string) => realpathSync(p);
const ww = (extra: Omit<Extract<SandboxPolicy, { type: "workspace-write" }>, "type"> = {}) => ({ type: "workspace-write" as const, ...extra });
const FAKE_BWRAP: SandboxAvailability = { available: true, mechanism: "bwrap", bwrapPath: "/usr/bin/bwrap" };
const NO_BWRAP: SandboxAvailability = { available: false, reason: "no trusted bubblewrap found (/usr/bin/bwrap: not found)", fix: "Install bubblewrap (apt-get install bubblewrap), or set sandbox_mode = \"danger-full-access\" to run commands without a sandbox." };

describe("policy conversions", () => {
  it("maps config.toml's sandbox_mode and [sandbox_workspace_write] onto the wire policy", () => {
    const sww = { writableRoots: ["/data"], networkAccess: true, excludeTmpdirEnvVar: true, excludeSlashTmp: false };
    expect(sandboxPolicyFromConfig("read-only", sww)).toEqual({ type: "read-only" });
    expect(sandboxPolicyFromConfig("danger-full-access", sww)).toEqual({ type: "danger-full-access" });
    expect(sandboxPolicyFromConfig("workspace-write", sww)).toEqual({
      type: "workspace-write", writable_roots: ["/data"], network_access: true, exclude_tmpdir_env_var: true, exclude_slash_tmp: false,
    });
  });

  it("maps v2 camelCase policies, keeping absent options absent", () => {
    expect(sandboxPolicyFromV2({ type: "readOnly" })).toEqual({ type: "read-only" });
    expect(sandboxPolicyFromV2({ type: "dangerFullAccess" })).toEqual({ type: "danger-full-access" });
    expect(sandboxPolicyFromV2({ type: "workspaceWrite", networkAccess: true })).toEqual({ type: "workspace-write", network_access: true });
    expect(sandboxPolicyFromV2({ type: "workspaceWrite", writableRoots: ["/a"], excludeSlashTmp: true, excludeTmpdirEnvVar: true })).toEqual({
      type: "workspace-write", writable_roots: ["/a"], exclude_slash_tmp: true, exclude_tmpdir_env_var: true,
    });
  });
});

describe("effectiveWritableRoots", () => {
  it("is cwd, writable_roots, /tmp and $TMPDIR, real paths, parents first, without duplicates", async () => {
    const cwd = real(tempDir());
    const extra = real(tempDir());
    const tmpdir = real(tempDir());
    const roots = await effectiveWritableRoots(ww({ writable_roots: [extra, cwd, path.join(cwd, "missing")] }), cwd, { TMPDIR: tmpdir });
    expect(roots.map((r) => r.root)).toEqual(["/tmp", ...[cwd, extra, tmpdir].sort()]);
  });

  it("follows a symlinked root to its real path when the link sits outside every writable root", async () => {
    const cwd = real(tempDir());
    const extra = real(tempDir());
    const link = path.join(tempDir(), "link-to-extra");
    symlinkSync(extra, link);
    const roots = await effectiveWritableRoots(ww({ writable_roots: [link], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(roots.map((r) => r.root)).toEqual([cwd, extra].sort());
  });

  it("drops a root reached through a symlink inside a writable root, and refuses such a cwd", async () => {
    const cwd = real(tempDir());
    const target = real(tempDir());
    symlinkSync(target, path.join(cwd, "build"));
    const roots = await effectiveWritableRoots(ww({ writable_roots: ["build"], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(roots.map((r) => r.root)).toEqual([cwd]);
    // The same link as the turn's cwd, with its folder writable through writable_roots.
    const viaLink = path.join(cwd, "build");
    await expect(effectiveWritableRoots(ww({ writable_roots: [cwd], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), viaLink, {})).rejects.toThrow(
      new PlantedSymlinkError(viaLink, viaLink),
    );
    // /tmp writable makes a link anywhere under it suspect.
    await expect(effectiveWritableRoots(ww({ exclude_tmpdir_env_var: true }), viaLink, {})).rejects.toBeInstanceOf(PlantedSymlinkError);
  });

  it("leaves out /tmp and $TMPDIR when excluded", async () => {
    const cwd = real(tempDir());
    const tmpdir = real(tempDir());
    const noSlashTmp = await effectiveWritableRoots(ww({ exclude_slash_tmp: true }), cwd, { TMPDIR: tmpdir });
    expect(noSlashTmp.map((r) => r.root)).toEqual([cwd, tmpdir].sort());
    const neither = await effectiveWritableRoots(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, { TMPDIR: tmpdir });
    expect(neither.map((r) => r.root)).toEqual([cwd]);
  });

  it("resolves relative writable_roots against cwd", async () => {
    const cwd = real(tempDir());
    mkdirSync(path.join(cwd, "sub"));
    const roots = await effectiveWritableRoots(ww({ writable_roots: ["sub"], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(roots.map((r) => r.root)).toEqual([cwd, path.join(cwd, "sub")]);
  });

  it("keeps .git, .agents and .codex directories read-only inside a root", async () => {
    const cwd = real(tempDir());
    for (const d of [".git", ".agents", ".codex", "src"]) mkdirSync(path.join(cwd, d));
    const [root] = await effectiveWritableRoots(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(root?.readOnlySubpaths.sort()).toEqual([".agents", ".codex", ".git"].map((d) => path.join(cwd, d)));
  });

  it("protects a worktree's .git file and the git directory it points to when that is writable too", async () => {
    const cwd = real(tempDir());
    const gitParent = real(tempDir());
    const gitdir = path.join(gitParent, "worktrees", "wt");
    mkdirSync(gitdir, { recursive: true });
    writeFileSync(path.join(cwd, ".git"), `gitdir: ${gitdir}\n`);
    const roots = await effectiveWritableRoots(ww({ writable_roots: [gitParent], exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    const cwdRoot = roots.find((r) => r.root === cwd);
    expect(cwdRoot?.readOnlySubpaths).toEqual([path.join(cwd, ".git"), gitdir]);
    // Without gitParent writable, its gitdir is read-only anyway and needs no mount of its own.
    const alone = await effectiveWritableRoots(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(alone[0]?.readOnlySubpaths).toEqual([path.join(cwd, ".git")]);
  });

  it("resolves a relative gitdir pointer against the .git file's folder", async () => {
    const cwd = real(tempDir());
    mkdirSync(path.join(cwd, "gd"));
    writeFileSync(path.join(cwd, ".git"), "gitdir: gd\n");
    const [root] = await effectiveWritableRoots(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(root?.readOnlySubpaths).toEqual([path.join(cwd, ".git"), path.join(cwd, "gd")]);
  });

  it("protects the directory a symlinked .git resolves to", async () => {
    const cwd = real(tempDir());
    mkdirSync(path.join(cwd, "repo-data"));
    symlinkSync("repo-data", path.join(cwd, ".git"));
    const [root] = await effectiveWritableRoots(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true }), cwd, {});
    expect(root?.readOnlySubpaths).toEqual([path.join(cwd, "repo-data")]);
  });

  it("fails for a cwd that does not exist", async () => {
    await expect(effectiveWritableRoots(ww(), "/nonexistent-sandbox-cwd", {})).rejects.toThrow(/ENOENT/);
  });
});

describe("bwrapArgs", () => {
  it("read-only: everything read-only, fresh /dev and /proc, private pid/ipc/net, no capabilities, new session, dies with parent", () => {
    expect(bwrapArgs({ writableRoots: [], networkAccess: false, cwd: "/work/repo", command: ["ls", "-la"] })).toEqual([
      "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--unshare-net", "--proc", "/proc", "--chdir", "/work/repo", "--", "ls", "-la",
    ]);
  });

  it("binds writable roots after /dev, then protected paths read-only after every root", () => {
    const args = bwrapArgs({
      writableRoots: [
        { root: "/tmp", readOnlySubpaths: [] },
        { root: "/work/repo", readOnlySubpaths: ["/work/repo/.git", "/work/repo/.codex"] },
        { root: "/work/repo/sub", readOnlySubpaths: ["/work/repo/.git"] },
      ],
      networkAccess: true,
      cwd: "/work/repo",
      command: ["true"],
    });
    expect(args).toEqual([
      "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--bind", "/tmp", "/tmp", "--bind", "/work/repo", "/work/repo", "--bind", "/work/repo/sub", "/work/repo/sub",
      "--ro-bind", "/work/repo/.codex", "/work/repo/.codex", "--ro-bind", "/work/repo/.git", "/work/repo/.git",
      "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--proc", "/proc", "--chdir", "/work/repo", "--", "true",
    ]);
  });

  it("passes the command after -- untouched, even when it looks like a bwrap option", () => {
    const args = bwrapArgs({ writableRoots: [], networkAccess: false, cwd: "/", command: ["--bind", "/", "/"] });
    expect(args.slice(args.indexOf("--") + 1)).toEqual(["--bind", "/", "/"]);
  });
});

describe("untrustedReason / locateBwrap", () => {
  it("trusts a root-owned binary in root-owned, non-writable folders", async () => {
    expect(await untrustedReason("/bin/sh")).toBeNull();
  });

  it("refuses a binary writable by others, one not owned by root, and one under a world-writable folder", async () => {
    const dir = tempDir(); // under /tmp: mode 1777
    const bin = path.join(dir, "bwrap");
    copyFileSync("/bin/true", bin);
    chmodSync(bin, 0o777);
    expect(await untrustedReason(bin)).toBe(`${bin} is writable by group or others (mode 777)`);
    chmodSync(bin, 0o755);
    chownSync(bin, 1000, 1000);
    expect(await untrustedReason(bin)).toBe(`${bin} is owned by uid 1000, not root`);
    chownSync(bin, 0, 0);
    chmodSync(dir, 0o755);
    expect(await untrustedReason(bin)).toMatch(/^\/tmp is writable by group or others \(mode 1777\)$/);
  });

  it("refuses a trusted-looking path that is a symlink into a writable folder", async () => {
    const dir = tempDir();
    const bin = path.join(dir, "bwrap");
    copyFileSync("/bin/true", bin);
    chmodSync(bin, 0o755);
    const linkDir = tempDir();
    const link = path.join(linkDir, "bwrap");
    symlinkSync(bin, link);
    expect(await untrustedReason(link)).toMatch(/writable by group or others/);
  });

  it("refuses missing files, non-files, relative paths; returns the first trusted candidate", async () => {
    expect(await untrustedReason("/nonexistent/bwrap")).toBe("not found");
    expect(await untrustedReason("/usr/bin")).toBe("not a regular file");
    expect(await untrustedReason("bwrap")).toBe("not an absolute path");
    expect(await locateBwrap(["/nonexistent/bwrap", "/bin/sh"])).toEqual({ path: "/bin/sh" });
    expect(await locateBwrap(["/nonexistent/a", "/nonexistent/b"])).toEqual({ path: null, reason: "/nonexistent/a: not found; /nonexistent/b: not found" });
  });
});

describe("detectSandbox", () => {
  it("reports why a bwrap that cannot run its sandbox fails the probe", async () => {
    // Trusted locations holding programs that are not bwrap stand in for a broken bwrap.
    expect(await detectSandbox({ locations: ["/bin/false"] })).toMatchObject({
      available: false,
      reason: "bubblewrap at /bin/false cannot create a sandbox here: exited with status 1",
    });
    const viaSh = await detectSandbox({ locations: ["/nonexistent/bwrap", "/bin/sh"] });
    expect(viaSh).toMatchObject({ available: false, fix: expect.stringContaining("unprivileged user namespaces") });
    if (viaSh.available) return;
    expect(viaSh.reason).toMatch(/^bubblewrap at \/bin\/sh cannot create a sandbox here: \S.*/);
  });
});

describe("prepareSandboxedSpawn without running anything", () => {
  const env = { PATH: "/usr/bin:/bin" };

  it("danger-full-access and external-sandbox pass the command through as it is", async () => {
    const cwd = tempDir();
    expect(await prepareSandboxedSpawn({ type: "danger-full-access" }, { command: ["ls", "-l"], cwd, policyCwd: cwd, env }, NO_BWRAP)).toEqual({
      file: "ls", args: ["-l"], cwd, env, sandbox: "none",
    });
    expect(await prepareSandboxedSpawn({ type: "external-sandbox" }, { command: ["ls"], cwd, policyCwd: cwd, env }, NO_BWRAP)).toEqual({
      file: "ls", args: [], cwd, env: { ...env, [NETWORK_DISABLED_ENV]: "1" }, sandbox: "none",
    });
  });

  it("refuses read-only and workspace-write when no sandbox is available, naming both fixes", async () => {
    for (const policy of [{ type: "read-only" }, ww()] as const) {
      const out = await prepareSandboxedSpawn(policy, { command: ["touch", "x"], ...at(tempDir()), env }, NO_BWRAP);
      expect(isRefusal(out)).toBe(true);
      expect(out).toEqual({
        refused: `Command not run: sandbox_mode "${policy.type}" cannot be enforced: ${NO_BWRAP.reason}. ${NO_BWRAP.fix}`,
      });
    }
  });

  it("has no mechanism off Linux", async () => {
    expect(await detectSandbox({ platform: "darwin" })).toEqual({
      available: false,
      reason: "no sandbox mechanism is implemented for darwin",
      fix: 'Run on Linux with bubblewrap, or set sandbox_mode = "danger-full-access" to run commands without a sandbox.',
    });
  });

  it("wraps read-only commands in bwrap from the real cwd, marking the network as disabled", async () => {
    const cwd = tempDir();
    const out = await prepareSandboxedSpawn({ type: "read-only" }, { command: ["cat", "f"], cwd, policyCwd: cwd, env }, FAKE_BWRAP);
    expect(out).toEqual({
      file: "/usr/bin/bwrap",
      args: bwrapArgs({ writableRoots: [], networkAccess: false, cwd: real(cwd), command: ["cat", "f"] }),
      cwd: real(cwd),
      env: { ...env, [NETWORK_DISABLED_ENV]: "1" },
      sandbox: "bwrap",
    });
  });

  it("workspace-write with network: binds the effective roots and shares the network", async () => {
    const cwd = real(tempDir());
    const policy = ww({ network_access: true, exclude_tmpdir_env_var: true });
    const out = await prepareSandboxedSpawn(policy, { command: ["true"], cwd, policyCwd: cwd, env }, FAKE_BWRAP);
    expect(isRefusal(out)).toBe(false);
    if (isRefusal(out)) return;
    expect(out.args).toEqual(bwrapArgs({ writableRoots: await effectiveWritableRoots(policy, cwd, env), networkAccess: true, cwd, command: ["true"] }));
    expect(out.args).not.toContain("--unshare-net");
    expect(out.env).toEqual(env);
  });

  it("binds the turn's cwd (policyCwd) and starts the command in its own cwd", async () => {
    const turnCwd = real(tempDir());
    const workdir = real(tempDir());
    const policy = ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true });
    const out = await prepareSandboxedSpawn(policy, { command: ["true"], cwd: workdir, policyCwd: turnCwd, env }, FAKE_BWRAP);
    expect(out).toMatchObject({
      cwd: workdir,
      args: bwrapArgs({ writableRoots: [{ root: turnCwd, readOnlySubpaths: [] }], networkAccess: false, cwd: workdir, command: ["true"] }),
    });
    expect(await prepareSandboxedSpawn(policy, { command: ["true"], cwd: "/nonexistent-workdir", policyCwd: turnCwd, env }, FAKE_BWRAP)).toEqual({
      refused: "Command not run: the working directory /nonexistent-workdir cannot be used (ENOENT)",
    });
  });

  it("refuses an empty command, a relative cwd and a missing cwd", async () => {
    expect(await prepareSandboxedSpawn({ type: "read-only" }, { command: [], cwd: "/", policyCwd: "/", env }, FAKE_BWRAP)).toEqual({ refused: "command args are empty" });
    expect(await prepareSandboxedSpawn({ type: "read-only" }, { command: ["ls"], cwd: "rel", policyCwd: "rel", env }, FAKE_BWRAP)).toEqual({
      refused: "Command not run: the working directory rel is not an absolute path",
    });
    expect(await prepareSandboxedSpawn(ww(), { command: ["ls"], cwd: "/nonexistent-cwd", policyCwd: "/nonexistent-cwd", env }, FAKE_BWRAP)).toEqual({
      refused: "Command not run: the working directory /nonexistent-cwd cannot be used (ENOENT)",
    });
  });

  it("warns at start-up only when the configured policy needs a sandbox that is missing", () => {
    expect(sandboxUnavailableWarning({ type: "read-only" }, NO_BWRAP)).toBe(
      `sandbox_mode "read-only" cannot be enforced (${NO_BWRAP.reason}); commands will be refused. ${NO_BWRAP.fix}`,
    );
    expect(sandboxUnavailableWarning({ type: "danger-full-access" }, NO_BWRAP)).toBeNull();
    expect(sandboxUnavailableWarning({ type: "read-only" }, FAKE_BWRAP)).toBeNull();
  });
});

describe("sandboxInstructions", () => {
  it("states what is enforced for each mode", async () => {
    const cwd = real(tempDir());
    mkdirSync(path.join(cwd, ".git"));
    expect(await sandboxInstructions({ type: "read-only" }, cwd, {}, FAKE_BWRAP)).toBe(
      "Sandbox: read-only, enforced with bubblewrap. Commands can read any file but cannot write anywhere (only /dev/null and similar devices). Network access is blocked (only a private loopback exists).",
    );
    expect(await sandboxInstructions(ww({ exclude_slash_tmp: true, exclude_tmpdir_env_var: true, network_access: true }), cwd, {}, FAKE_BWRAP)).toBe(
      `Sandbox: workspace-write, enforced with bubblewrap. Commands can read any file and write only under:\n- ${cwd}\nThese stay read-only even there: ${cwd}/.git.\nNetwork access is allowed.`,
    );
    expect(await sandboxInstructions({ type: "danger-full-access" }, cwd, {}, NO_BWRAP)).toMatch(/^Sandbox: none \(danger-full-access\)/);
  });

  it("says commands are refused when the turn's cwd cannot be used", async () => {
    expect(await sandboxInstructions(ww({ network_access: false }), "/nonexistent-turn-cwd", {}, FAKE_BWRAP)).toBe(
      "Sandbox: workspace-write, enforced with bubblewrap, but the working directory /nonexistent-turn-cwd cannot be used (it does not exist), so commands are refused. Network access is blocked (only a private loopback exists).",
    );
  });

  it("says commands are refused when the sandbox cannot be enforced", async () => {
    expect(await sandboxInstructions({ type: "read-only" }, "/", {}, NO_BWRAP)).toBe(
      `Sandbox: read-only was requested but cannot be enforced on this machine (${NO_BWRAP.reason}), so every command is refused until the user fixes that. ${NO_BWRAP.fix}`,
    );
  });
});
