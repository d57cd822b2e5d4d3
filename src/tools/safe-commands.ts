// Which commands the `untrusted` approval policy may run without asking: ones that only read.
// The list is deliberately small and exact (no path-qualified programs, no option we cannot
// vouch for); anything we are unsure of is "not known safe" and simply asks the user.
import { extractShellScript, parsePlainScript } from "./shell-lexer.js";

// Read-only whatever their arguments.
const ALWAYS_SAFE = new Set([
  "cat",
  "cd",
  "cut",
  "echo",
  "expr",
  "false",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "paste",
  "pwd",
  "rev",
  "seq",
  "stat",
  "tail",
  "tr",
  "true",
  "uname",
  "wc",
  "which",
  "whoami",
]);

// Options that make `find` execute, delete or write files.
const UNSAFE_FIND_OPTIONS = new Set(["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"]);

/** True when `command` only reads, so it may run without approval. */
export function isKnownSafeCommand(command: readonly string[]): boolean {
  if (isSafeToExec(command)) return true;
  // `bash -lc "<script>"`: safe when the script is plain commands joined by &&, ||, ; or | and
  // every one of them is safe on its own.
  const script = extractShellScript(command);
  if (script === null) return false;
  const parsed = parsePlainScript(script);
  return parsed !== null && parsed.commands.every((words) => isSafeToExec(words));
}

function isSafeToExec(command: readonly string[]): boolean {
  const [program, ...args] = command;
  if (program === undefined) return false;
  if (ALWAYS_SAFE.has(program)) return true;
  switch (program) {
    case "uniq":
      return isSafeUniq(args);
    case "find":
      return !args.some((a) => UNSAFE_FIND_OPTIONS.has(a));
    case "rg":
      return args.every(isSafeRipgrepArg);
    case "base64":
      // -o/--output writes a file.
      return !args.some((a) => a === "--output" || a.startsWith("--output=") || /^-[^-]*o/.test(a));
    case "sed":
      return isSafeSed(args);
    case "git":
      return isSafeGit(args);
    default:
      return false;
  }
}

function isSafeRipgrepArg(arg: string): boolean {
  // --pre runs a program on every file; --hostname-bin runs one; -z/--search-zip runs decompressors.
  if (arg === "--pre" || arg.startsWith("--pre=") || arg === "--hostname-bin" || arg.startsWith("--hostname-bin=")) return false;
  if (arg === "--search-zip") return false;
  // -z, alone or inside a cluster of short flags such as -nz.
  return !/^-[A-Za-y]*z/.test(arg);
}

// `sed -n 10p` or `sed -n 1,20p file`: prints lines, nothing else.
function isSafeSed(args: readonly string[]): boolean {
  if (args.length < 2 || args.length > 3 || args[0] !== "-n") return false;
  if (!/^(\d+,)?\d+p$/.test(args[1] as string)) return false;
  const file = args[2];
  return file === undefined || (file !== "" && !file.startsWith("-"));
}

// `uniq [OPTION]... [INPUT [OUTPUT]]`: a second operand is a file it writes, so only one operand
// is allowed; options it could take as a value (or does not know) make us ask rather than guess.
const UNIQ_FLAGS = /^-[cdDiuz]+$/;
const UNIQ_LONG_FLAGS = /^--(count|repeated|ignore-case|unique|zero-terminated|all-repeated(=\w+)?|group(=\w+)?)$/;
const UNIQ_VALUE_OPTIONS = new Set(["-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"]);
const UNIQ_INLINE_VALUE = /^(-[fsw]\d+|--(skip-fields|skip-chars|check-chars)=\d+)$/;

function isSafeUniq(args: readonly string[]): boolean {
  let operands = 0;
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (optionsEnded || arg === "-" || !arg.startsWith("-")) {
      operands++;
      continue;
    }
    if (arg === "--") optionsEnded = true;
    else if (UNIQ_VALUE_OPTIONS.has(arg)) {
      if (!/^\d+$/.test(args[++i] ?? "")) return false;
    } else if (!UNIQ_FLAGS.test(arg) && !UNIQ_LONG_FLAGS.test(arg) && !UNIQ_INLINE_VALUE.test(arg)) return false;
  }
  return operands <= 1;
}

const READ_ONLY_GIT = new Set(["status", "log", "diff", "show"]);
// Options of those subcommands that write files or run programs.
const UNSAFE_GIT_OPTIONS = /^--(output|ext-diff|textconv|exec|paginate)(=|$)/;
// `git branch` only lists with these; anything else may create, delete or rename branches.
const LISTING_BRANCH_OPTIONS = new Set(["--show-current", "-a", "--all", "-r", "--remotes", "-v", "-vv", "--verbose", "--no-color", "-l", "--list"]);

function isSafeGit(args: readonly string[]): boolean {
  // Global options (-c key=value, -C dir, --exec-path, ...) come before the subcommand; refusing
  // them all keeps `git -c core.pager=... log` out.
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) return false;
  if (subcommand === "branch") return rest.every((a) => LISTING_BRANCH_OPTIONS.has(a) || a.startsWith("--format="));
  if (!READ_ONLY_GIT.has(subcommand)) return false;
  return !rest.some((a) => UNSAFE_GIT_OPTIONS.test(a));
}
