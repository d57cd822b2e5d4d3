// gitDiffToRemote over the real bin, on repositories the test builds with a local bare "remote":
// the remote commit closest to HEAD and the working tree's diff against it (untracked files
// included), the same answer as the reference 0.90 where it is installed, clear errors for a
// folder that is no repository or has no remote, and a hostile repository config that cannot
// make git run a program.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { git, pushedRepo } from "../support/git-repos.js";
import { expectOnlyJsonLines, ServerProcess, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "git-diff-");

const REFERENCE =
  process.env.CODEX_REFERENCE_BIN ?? "/tmp/ref/node_modules/@openai/codex/vendor/x86_64-unknown-linux-musl/codex/codex";

/** A clone-like repo: main pushed to a bare origin, then a local edit and an untracked file. */
function repoWithRemote(): { work: string; pushed: string } {
  const { work, pushed } = pushedRepo(tempDir());
  writeFileSync(path.join(work, "a.txt"), "one\ntwo\n");
  writeFileSync(path.join(work, "new.txt"), "brand new\n");
  return { work, pushed };
}

async function server(): Promise<ServerProcess> {
  const s = start();
  await s.initialize("git_client", "1.0");
  return s;
}

describe("gitDiffToRemote", () => {
  it("answers the remote commit and the working tree's diff, untracked files included", async () => {
    const s = await server();
    const { work, pushed } = repoWithRemote();
    const res = await s.request("gitDiffToRemote", { cwd: work });
    expect(res.error).toBeUndefined();
    const { sha, diff } = res.result as { sha: string; diff: string };
    expect(sha).toBe(pushed);
    expect(diff).toContain("diff --git a/a.txt b/a.txt\n");
    expect(diff).toContain(" one\n+two\n");
    expect(diff).toContain("diff --git a/new.txt b/new.txt\nnew file mode 100644\n");
    expect(diff).toContain("+brand new\n");
  });

  it("on a local branch with unpushed commits, diffs against the remote commit it forked from", async () => {
    const s = await server();
    const { work, pushed } = repoWithRemote();
    git(work, "checkout", "-q", "-b", "feature");
    git(work, "add", "a.txt");
    git(work, "commit", "-qm", "two");
    const res = await s.request("gitDiffToRemote", { cwd: path.join(work) });
    const { sha, diff } = res.result as { sha: string; diff: string };
    expect(sha).toBe(pushed);
    // The committed change is part of the diff (against the remote, not HEAD).
    expect(diff).toContain("+two\n");
    expect(diff).toContain("+brand new\n");
  });

  // On a local-only branch 0.90 answers an error (newer codex, and we, use the remote branch the
  // local one came from), so the comparison is on the branch that is on the remote.
  it.skipIf(!existsSync(REFERENCE))("gives the reference 0.90's answer", async () => {
    const { work } = repoWithRemote();
    mkdirSync(path.join(work, "dir"));
    writeFileSync(path.join(work, "dir", "bin.dat"), Buffer.from([0, 1, 2, 255]));
    const ours = await (await server()).request("gitDiffToRemote", { cwd: work });
    const reference = start({ command: [REFERENCE, "app-server"] });
    await reference.initialize("git_client", "1.0");
    const theirs = await reference.request("gitDiffToRemote", { cwd: work });
    expect(theirs.error).toBeUndefined();
    expect(ours.result).toEqual(theirs.result);
  });

  it("a hostile repository config cannot make git run a program", async () => {
    const s = await server();
    const { work, pushed } = repoWithRemote();
    const marker = (name: string) => path.join(work, "..", `ran-${name}`);
    const evil = path.join(work, "..", "evil.sh");
    writeFileSync(evil, `#!/bin/sh\ntouch '${marker("external")}'\n`, { mode: 0o755 });
    git(work, "config", "core.fsmonitor", `touch '${marker("fsmonitor")}'; false`);
    git(work, "config", "diff.external", evil);
    git(work, "config", "filter.evil.clean", `touch '${marker("filter")}'; cat`);
    git(work, "config", "filter.evil.process", evil);
    git(work, "config", "diff.evil.textconv", `touch '${marker("textconv")}'; cat`);
    git(work, "config", "core.pager", `touch '${marker("pager")}'; cat`);
    writeFileSync(path.join(work, ".gitattributes"), "*.txt filter=evil diff=evil\n");
    const res = await s.request("gitDiffToRemote", { cwd: work });
    expect(res.error).toBeUndefined();
    expect((res.result as { sha: string }).sha).toBe(pushed);
    expect((res.result as { diff: string }).diff).toContain("+two\n");
    for (const name of ["external", "fsmonitor", "filter", "textconv", "pager"]) expect(existsSync(marker(name)), name).toBe(false);
  });

  it("answers clear errors: not a repository, no remote, relative or missing cwd", async () => {
    const s = await server();
    const plain = tempDir();
    const noRemote = tempDir();
    git(noRemote, "init", "-q", "-b", "main");
    writeFileSync(path.join(noRemote, "f"), "x");
    git(noRemote, "add", ".");
    git(noRemote, "commit", "-qm", "x");
    const cases: [string, number, string][] = [
      [plain, -32600, `gitDiffToRemote: ${plain} is not inside a git repository`],
      [noRemote, -32600, `gitDiffToRemote: ${noRemote}: the repository has no remote`],
      ["relative/dir", -32602, 'Invalid params: cwd: must be an absolute path, got "relative/dir"'],
      [path.join(plain, "missing"), -32600, `gitDiffToRemote: ${path.join(plain, "missing")} is not an existing directory`],
    ];
    for (const [cwd, code, message] of cases) {
      expect((await s.request("gitDiffToRemote", { cwd })).error).toMatchObject({ code, message });
    }
  });
});
