// Running git on a repository the client names, which may be hostile: the git program is one found
// on PATH that nobody else can replace (no relative entry, which would resolve inside the
// repository; no file or folder another user can write), it runs with a fixed environment, and
// every config key that would make it start another program is overridden on the command line
// (fsmonitor, external diff, pagers, hooks; clean/smudge filters once their names are known).
import { execFile } from "node:child_process";
import { resolveTrustedProgram, UntrustedProgramError } from "../sandbox/trusted-path.js";

export class GitCommandError extends Error {}

export interface GitOutput {
  code: number;
  stdout: string;
}

export interface GitRunOptions {
  timeoutMs: number;
  maxBuffer: number;
}

export type Git = (args: string[]) => Promise<GitOutput>;

// Per PATH value: the answer does not change while the server runs (a `git` planted later in a
// folder we trusted would need that folder to be writable, which it is not).
const located = new Map<string, string>();

/** The first git on `searchPath` that only root or this user could have put there. */
export function trustedGit(searchPath: string | undefined): string {
  const key = searchPath ?? "";
  let found = located.get(key);
  if (found === undefined) {
    try {
      found = resolveTrustedProgram("git", searchPath);
    } catch (error) {
      if (!(error instanceof UntrustedProgramError)) throw error;
      throw new GitCommandError(error.message.endsWith("not found on PATH") ? "git is not installed on the server" : error.message);
    }
    located.set(key, found);
  }
  return found;
}

/** A git runner for `cwd`, its config neutralized against running programs. */
export async function hardenedGit(cwd: string, env: NodeJS.ProcessEnv, options: GitRunOptions): Promise<Git> {
  const program = trustedGit(env.PATH);
  const fixedEnv: NodeJS.ProcessEnv = {
    PATH: env.PATH ?? "/usr/bin:/bin",
    ...(env.HOME !== undefined ? { HOME: env.HOME } : {}),
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    // Reads only: no index refresh written back, no lock taken on the user's repository.
    GIT_OPTIONAL_LOCKS: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
  };
  const base = [
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
    "-c", "core.untrackedCache=false",
    "--no-pager",
  ];
  const run = (prefix: string[]) => (args: string[]) => runGit(program, cwd, fixedEnv, [...base, ...prefix, ...args], options);
  const filters = await run([])(["config", "--name-only", "--get-regexp", "^filter\\."]);
  // Filter drivers (clean, smudge, process) are configured per name: neutralize every one named.
  const neutral: string[] = [];
  for (const key of new Set(filters.stdout.split("\n").filter(Boolean).map((k) => k.replace(/\.[^.]+$/, "")))) {
    for (const field of ["clean", "smudge", "process"]) neutral.push("-c", `${key}.${field}=`);
    neutral.push("-c", `${key}.required=false`);
  }
  return run(neutral);
}

function runGit(program: string, cwd: string, env: NodeJS.ProcessEnv, args: string[], options: GitRunOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd, env, timeout: options.timeoutMs, maxBuffer: options.maxBuffer, encoding: "utf8", killSignal: "SIGKILL" }, (error, stdout) => {
      if (error === null) return resolve({ code: 0, stdout });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return reject(new GitCommandError(`the output is larger than ${options.maxBuffer} bytes`));
      if (e.code === "ENOENT") return reject(new GitCommandError("git is not installed on the server"));
      if (e.killed) return reject(new GitCommandError(`git ${args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? ""} took longer than ${options.timeoutMs} ms`));
      if (typeof e.code === "number") return resolve({ code: e.code, stdout });
      reject(new GitCommandError(`git failed (${String(e.code)})`));
    });
  });
}
