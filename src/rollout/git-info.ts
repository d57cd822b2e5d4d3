// The git facts a session_meta records about its cwd, as the reference records them: HEAD's commit,
// its branch (none when detached) and origin's URL, each left out when unknown; nothing outside a
// repository. Read from the .git folder itself: spawning git four times cost newConversation
// ~50 ms and serialised concurrent creates.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { GitInfo } from "./types.js";

interface GitDirs {
  /** The repository's (or worktree's) git dir: HEAD lives here. */
  gitDir: string;
  /** Where refs, packed-refs and config live (differs from gitDir in a linked worktree). */
  commonDir: string;
}

/** Undefined when `cwd` is not inside a git work tree. */
export async function collectGitInfo(cwd: string): Promise<GitInfo | undefined> {
  const dirs = await findGitDirs(cwd);
  if (!dirs) return undefined;
  const head = (await readText(path.join(dirs.gitDir, "HEAD")))?.trim();
  if (!head) return undefined;
  const ref = head.startsWith("ref: ") ? head.slice(5).trim() : undefined;
  const commit = ref ? await resolveRef(dirs.commonDir, ref) : /^[0-9a-f]{40,64}$/.test(head) ? head : undefined;
  const branch = ref?.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
  const url = originUrl((await readText(path.join(dirs.commonDir, "config"))) ?? "");
  return {
    ...(commit ? { commit_hash: commit } : {}),
    ...(branch ? { branch } : {}),
    ...(url ? { repository_url: withoutCredentials(url) } : {}),
  };
}

async function findGitDirs(cwd: string): Promise<GitDirs | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, ".git");
    const info = await stat(dotGit).catch(() => undefined);
    if (info?.isDirectory()) return { gitDir: dotGit, commonDir: dotGit };
    if (info?.isFile()) {
      // A worktree or submodule: ".git" is a file naming the real git dir.
      const pointer = /^gitdir:\s*(.+)$/m.exec((await readText(dotGit)) ?? "")?.[1]?.trim();
      if (!pointer) return undefined;
      const gitDir = path.resolve(dir, pointer);
      const common = (await readText(path.join(gitDir, "commondir")))?.trim();
      return { gitDir, commonDir: common ? path.resolve(gitDir, common) : gitDir };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function resolveRef(commonDir: string, ref: string): Promise<string | undefined> {
  const loose = (await readText(path.join(commonDir, ref)))?.trim();
  if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  const packed = (await readText(path.join(commonDir, "packed-refs"))) ?? "";
  for (const line of packed.split("\n")) {
    const [hash, name] = line.trim().split(" ");
    if (name === ref && hash && /^[0-9a-f]{40,64}$/.test(hash)) return hash;
  }
  return undefined;
}

/** `url` of `[remote "origin"]` in a git config file. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inOrigin = /^\[remote\s+"origin"\]$/.test(line);
      continue;
    }
    const match = inOrigin ? /^url\s*=\s*(.+)$/.exec(line) : null;
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

/**
 * `https://user:token@host/repo` → `https://host/repo`: a rollout is shared and listed, a token in a
 * remote URL must not be. Over http(s) the whole userinfo goes (a token is often the user name);
 * elsewhere only a password: `ssh://git@host/repo` and scp-like `git@host:repo` name a login user.
 */
export function withoutCredentials(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    const web = parsed.protocol === "http:" || parsed.protocol === "https:";
    if (!parsed.password && !(web && parsed.username)) return url;
    if (web) parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
  }
}

function readText(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch(() => undefined);
}
