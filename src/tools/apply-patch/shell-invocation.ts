// Recognises apply_patch invocations inside a shell tool call, so the turn can apply them itself
// (and tell the model to use the apply_patch tool) instead of running a program of that name.
// Accepted, as the reference accepts them:
//   ["apply_patch", PATCH] / ["applypatch", PATCH]
//   [bash|zsh|sh, -c|-lc, "apply_patch <<'EOF'\n…\nEOF"]          (any delimiter, any quoting)
//   [bash|zsh|sh, -c|-lc, "cd DIR && apply_patch <<'EOF'\n…\nEOF"] (one plain or quoted word)
// The heredoc must be the script's only statement: anything before or after it (`echo x;`,
// `&& echo done`, a second `cd`, an argument to apply_patch) means "not an apply_patch call",
// and the command runs as an ordinary command.

import path from "node:path";
import { parsePatch, PatchParseError, type ParsedPatch } from "./parser.js";
import { IMPLICIT_INVOCATION_TEXT } from "./tool-output.js";

export type ShellPatchInvocation =
  /** A patch to apply; `workdir` is the `cd` target (relative to the call's cwd), if any. */
  | { kind: "patch"; parsed: ParsedPatch; workdir: string | null }
  /** An apply_patch call whose patch is malformed: answer the model with `message`. */
  | { kind: "invalid"; message: string }
  | { kind: "not-apply-patch" };

const APPLY_PATCH_NAMES = new Set(["apply_patch", "applypatch"]);
const UNIX_SHELLS = new Set(["bash", "zsh", "sh"]);

export function recogniseShellPatch(argv: readonly string[]): ShellPatchInvocation {
  // A bare patch as the whole command, or as the whole script, is a mistake worth explaining.
  const script = shellScript(argv);
  if ((argv.length === 1 && parsesAsPatch(argv[0] ?? "")) || (script !== null && parsesAsPatch(script))) {
    return { kind: "invalid", message: IMPLICIT_INVOCATION_TEXT };
  }
  if (argv.length === 2 && APPLY_PATCH_NAMES.has(argv[0] ?? "")) return fromPatchText(argv[1] ?? "", null);
  if (script === null) return { kind: "not-apply-patch" };
  const heredoc = extractHeredocInvocation(script);
  if (heredoc === null) return { kind: "not-apply-patch" };
  return fromPatchText(heredoc.body, heredoc.workdir);
}

function fromPatchText(text: string, workdir: string | null): ShellPatchInvocation {
  try {
    return { kind: "patch", parsed: parsePatch(text), workdir };
  } catch (error) {
    if (error instanceof PatchParseError) return { kind: "invalid", message: error.message };
    throw error;
  }
}

function parsesAsPatch(text: string): boolean {
  try {
    parsePatch(text);
    return true;
  } catch {
    return false;
  }
}

/** The script of `<shell> -c|-lc <script>` for bash, zsh or sh (any directory), else null. */
function shellScript(argv: readonly string[]): string | null {
  if (argv.length !== 3) return null;
  const [shell, flag, script] = argv as [string, string, string];
  const base = shell.slice(shell.lastIndexOf("/") + 1).toLowerCase();
  return UNIX_SHELLS.has(base) && (flag === "-c" || flag === "-lc") ? script : null;
}

export interface HeredocInvocation {
  body: string;
  workdir: string | null;
}

// `cd <word> && ` where word is bare (no shell metacharacters), '…' or "…" without expansions.
const CD_PREFIX = /^cd[ \t]+(?:'([^']*)'|"([^"$`\\]*)"|([^\s'"$`\\;&|<>(){}*?[\]#~]+))[ \t]*&&[ \t]*/;
// `apply_patch <<DELIM`, `<< 'DELIM'`, `<<"DELIM"`, then nothing else on the line.
const APPLY_HEREDOC = /^(apply_patch|applypatch)[ \t]*<<[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([A-Za-z0-9_]+))[ \t]*\n/;

/** The heredoc body and `cd` directory of a whole-script apply_patch heredoc, else null. */
export function extractHeredocInvocation(script: string): HeredocInvocation | null {
  let rest = script.replace(/^[ \t\n]+/, "");
  let workdir: string | null = null;
  const cd = CD_PREFIX.exec(rest);
  if (cd !== null) {
    workdir = cd[1] ?? cd[2] ?? cd[3] ?? null;
    rest = rest.slice(cd[0].length);
  }
  const start = APPLY_HEREDOC.exec(rest);
  if (start === null) return null;
  const delimiter = start[2] ?? start[3] ?? start[4] ?? "";
  const lines = rest.slice(start[0].length).split("\n");
  const end = lines.indexOf(delimiter);
  if (end === -1) return null; // unterminated heredoc
  // Only blank space may follow the closing delimiter.
  if (lines.slice(end + 1).some((line) => line.trim() !== "")) return null;
  const body = lines.slice(0, end).join("\n").replace(/\n+$/, "");
  return { body, workdir };
}

/** The directory a recognised patch's paths resolve against: the `cd` target, else the call's cwd. */
export function patchCwd(callCwd: string, workdir: string | null): string {
  return workdir === null ? callCwd : path.resolve(callCwd, workdir);
}
