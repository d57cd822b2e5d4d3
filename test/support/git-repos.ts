// Scratch git repositories for tests: a work tree whose main branch is pushed to a bare origin
// beside it, made with the system's git and no user or system configuration.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };

/** Runs the system's git (by absolute path: a test may plant a `git` in the work tree). */
export const git = (cwd: string, ...args: string[]): string => execFileSync("/usr/bin/git", args, { cwd, env: GIT_ENV, encoding: "utf8" }).trim();

/** `root`/work with one commit ("a.txt" = "one\n") on main, pushed to `root`/remote.git; the pushed sha. */
export function pushedRepo(root: string): { work: string; pushed: string } {
  git(root, "init", "-q", "--bare", "remote.git");
  const work = path.join(root, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(path.join(work, "a.txt"), "one\n");
  git(work, "add", ".");
  git(work, "commit", "-qm", "one");
  git(work, "remote", "add", "origin", path.join(root, "remote.git"));
  git(work, "push", "-q", "origin", "main");
  return { work, pushed: git(work, "rev-parse", "HEAD") };
}
