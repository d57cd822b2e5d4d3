// gitDiffToRemote: the commit on a remote closest to HEAD and the working tree's diff against it,
// untracked files included, found the way codex does: candidate branches (the current one, the
// default one, remote branches that contain HEAD), each branch's remote tip, the one HEAD is
// fewest commits ahead of. Nothing here talks to the network (the reference's `git remote show`
// fallback is left out: it would contact the remote).
//
// The repository is the client's and may be hostile: git runs as git-command.ts sets it up.
import { GitCommandError, hardenedGit, type Git } from "./git-command.js";

/** One git command's limit; a huge repository gets an error rather than a hung request. */
const GIT_TIMEOUT_MS = 10_000;
/** Largest diff returned: the answer is one JSON line. */
export const MAX_DIFF_BYTES = 16 * 1024 * 1024;
const NULL_DEVICE = "/dev/null";

export class GitDiffError extends Error {}

export interface GitDiffToRemote {
  sha: string;
  diff: string;
}

export async function gitDiffToRemote(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitDiffToRemote> {
  try {
    const git = await gitRunner(cwd, env);
    const remotes = await remoteNames(git);
    if (remotes.length === 0) throw new GitDiffError(`${cwd}: the repository has no remote`);
    const branches = await branchAncestry(git, remotes);
    const sha = await closestRemoteSha(git, branches, remotes);
    if (sha === null) throw new GitDiffError(`${cwd}: no branch of HEAD's history is on a remote (${remotes.join(", ")})`);
    return { sha, diff: await diffAgainst(git, sha) };
  } catch (error) {
    if (error instanceof GitCommandError) throw new GitDiffError(error.message.replace(/^the output is/, "the diff is"));
    throw error;
  }
}

async function gitRunner(cwd: string, env: NodeJS.ProcessEnv): Promise<Git> {
  const git = await hardenedGit(cwd, env, { timeoutMs: GIT_TIMEOUT_MS, maxBuffer: MAX_DIFF_BYTES });
  const top = await git(["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) throw new GitDiffError(`${cwd} is not inside a git repository`);
  return git;
}

/** Remote names, origin first. */
async function remoteNames(git: Git): Promise<string[]> {
  const out = await git(["remote"]);
  if (out.code !== 0) return [];
  const names = out.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  const origin = names.indexOf("origin");
  if (origin > 0) names.unshift(...names.splice(origin, 1));
  return names;
}

async function defaultBranch(git: Git, remotes: string[]): Promise<string | null> {
  for (const remote of remotes) {
    const sym = await git(["symbolic-ref", "--quiet", `refs/remotes/${remote}/HEAD`]);
    const name = sym.stdout.trim();
    if (sym.code === 0 && name.includes("/")) return name.slice(name.lastIndexOf("/") + 1);
  }
  for (const candidate of ["main", "master"]) {
    if ((await git(["rev-parse", "--verify", "--quiet", `refs/heads/${candidate}`])).code === 0) return candidate;
  }
  return null;
}

/** The current branch, the default branch, then remote branches that already contain HEAD. */
async function branchAncestry(git: Git, remotes: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const current = await git(["rev-parse", "--abbrev-ref", "HEAD"]);
  const name = current.stdout.trim();
  if (current.code === 0 && name !== "" && name !== "HEAD") seen.add(name);
  const fallback = await defaultBranch(git, remotes);
  if (fallback !== null) seen.add(fallback);
  for (const remote of remotes) {
    const out = await git(["for-each-ref", "--format=%(refname:short)", "--contains=HEAD", `refs/remotes/${remote}`]);
    if (out.code !== 0) continue;
    for (const line of out.stdout.split("\n")) {
      const short = line.trim();
      if (short.startsWith(`${remote}/`) && short.length > remote.length + 1) seen.add(short.slice(remote.length + 1));
    }
  }
  return [...seen];
}

/** Of the branches present on a remote, the remote tip HEAD is fewest commits ahead of. */
async function closestRemoteSha(git: Git, branches: string[], remotes: string[]): Promise<string | null> {
  let best: { sha: string; distance: number } | null = null;
  for (const branch of branches) {
    let remoteRef: string | null = null;
    let sha = "";
    for (const remote of remotes) {
      const ref = `refs/remotes/${remote}/${branch}`;
      const out = await git(["rev-parse", "--verify", "--quiet", ref]);
      if (out.code === 0) {
        remoteRef = ref;
        sha = out.stdout.trim();
        break;
      }
    }
    if (remoteRef === null) continue;
    let count = await git(["rev-list", "--count", `refs/heads/${branch}..HEAD`]);
    if (count.code !== 0) count = await git(["rev-list", "--count", `${remoteRef}..HEAD`]);
    const distance = Number.parseInt(count.stdout.trim(), 10);
    if (count.code !== 0 || !Number.isFinite(distance)) continue;
    if (best === null || distance < best.distance) best = { sha, distance };
  }
  return best?.sha ?? null;
}

/** Tracked changes against `sha`, then each untracked file as an addition. */
async function diffAgainst(git: Git, sha: string): Promise<string> {
  const tracked = await git(["diff", "--no-textconv", "--no-ext-diff", sha]);
  if (tracked.code !== 0 && tracked.code !== 1) throw new GitDiffError(`git diff against ${sha} failed`);
  let diff = tracked.stdout;
  const untracked = await git(["ls-files", "--others", "--exclude-standard", "-z"]);
  if (untracked.code !== 0) return diff;
  for (const file of untracked.stdout.split("\0").filter(Boolean)) {
    const added = await git(["diff", "--no-textconv", "--no-ext-diff", "--binary", "--no-index", "--", NULL_DEVICE, file]);
    if (added.code !== 0 && added.code !== 1) continue;
    diff += added.stdout;
    if (diff.length > MAX_DIFF_BYTES) throw new GitDiffError(`the diff is larger than ${MAX_DIFF_BYTES} bytes`);
  }
  return diff;
}
