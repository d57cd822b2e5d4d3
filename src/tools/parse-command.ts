// Describes a command for people: "reads README.md", "lists files in src", "searches for TODO",
// or "unknown". Clients show these (parsed_cmd / commandActions) instead of raw argv. The
// description is lossy by design and never used to decide what may run.
import { extractShellScript, parsePlainScript } from "./shell-lexer.js";
import { shellJoin } from "./shell-quote.js";

export { shellJoin } from "./shell-quote.js";

export type ParsedCommand =
  | { type: "read"; cmd: string; name: string; path: string }
  | { type: "list_files"; cmd: string; path: string | null }
  | { type: "search"; cmd: string; query: string | null; path: string | null }
  | { type: "unknown"; cmd: string };

// A summary plus the words it came from (simplification looks at the program name).
interface Summary {
  parsed: ParsedCommand;
  words: string[];
}

const CONNECTORS = new Set(["&&", "||", "|", ";"]);

/** Summarises `command`; anything not fully understood becomes a single "unknown" entry. */
export function parseCommand(command: string[]): ParsedCommand[] {
  const deduped: ParsedCommand[] = [];
  for (const parsed of parseAll(command)) {
    const last = deduped[deduped.length - 1];
    if (last !== undefined && sameCommand(last, parsed)) continue;
    deduped.push(parsed);
  }
  if (deduped.length === 0 || deduped.some((p) => p.type === "unknown")) {
    // Half a description misleads: show the whole command (the script, for bash -lc) instead.
    return [{ type: "unknown", cmd: extractShellScript(command, { anyPath: true }) ?? shellJoin(command) }];
  }
  return deduped;
}

function parseAll(command: string[]): ParsedCommand[] {
  const script = extractShellScript(command, { anyPath: true });
  if (script !== null) return parseShellScript(script);

  const parts = splitOnConnectors(dropYesPrefix(command));
  return simplify(summarizeSequence(parts)).map((s) => s.parsed);
}

function parseShellScript(script: string): ParsedCommand[] {
  const unknown: ParsedCommand[] = [{ type: "unknown", cmd: script }];
  const plain = parsePlainScript(script, { allowGlobs: true });
  if (plain === null) return unknown;
  // Pipelines like `rg --files | head -n 40`: describe the main command, not the formatting.
  const main = plain.commands.filter((words) => !isFormattingHelper(words));
  if (main.length === 0) return unknown;

  let summaries = summarizeSequence(main);
  if (summaries.length > 1) {
    summaries = summaries.filter((s) => !(s.parsed.type === "unknown" && s.parsed.cmd === "true"));
    summaries = simplify(summaries);
  }
  if (summaries.length === 1) {
    const only = summaries[0] as Summary;
    // `cat file | sed -n 1,20p` reads part of a file: show the whole pipeline, it says which part.
    const allWords = plain.commands.flat();
    const hasPipe = plain.connectors.includes("|");
    const hasSedN = allWords.some((w, i) => w === "sed" && allWords[i + 1] === "-n");
    if (only.parsed.type === "read" && hasPipe && hasSedN) return [{ ...only.parsed, cmd: script }];
  }
  return summaries.map((s) => s.parsed);
}

// Summarises each command in order, following `cd` so that reads get their real path.
function summarizeSequence(commands: string[][]): Summary[] {
  const out: Summary[] = [];
  let cwd: string | null = null;
  for (const words of commands) {
    if (words[0] === "cd") {
      const dir = cdTarget(words.slice(1));
      if (dir !== null) cwd = cwd === null ? dir : joinPath(cwd, dir);
      continue;
    }
    let parsed = summarize(words);
    if (parsed.type === "read" && cwd !== null) parsed = { ...parsed, path: joinPath(cwd, parsed.path) };
    out.push({ parsed, words });
  }
  return out;
}

// Drops commands that add nothing to the description: a leading echo, cd, `true`, bare `nl`.
function simplify(commands: Summary[]): Summary[] {
  let current = commands;
  for (;;) {
    if (current.length <= 1) return current;
    const isUnknown = (s: Summary, test: (words: string[]) => boolean) => s.parsed.type === "unknown" && test(s.words);
    const first = current[0] as Summary;
    if (isUnknown(first, (w) => w[0] === "echo")) {
      current = current.slice(1);
      continue;
    }
    const cd = current.findIndex((s) => isUnknown(s, (w) => w[0] === "cd"));
    if (cd >= 0 && cd + 1 < current.length) {
      current = current.filter((_, i) => i !== cd);
      continue;
    }
    const noop = current.findIndex(
      (s) => isUnknown(s, (w) => w.length === 1 && w[0] === "true") || isUnknown(s, (w) => w[0] === "nl" && w.slice(1).every((a) => a.startsWith("-"))),
    );
    if (noop >= 0) {
      current = current.filter((_, i) => i !== noop);
      continue;
    }
    return current;
  }
}

function dropYesPrefix(command: string[]): string[] {
  const [first, second] = command;
  if (second === "|" && (first === "yes" || first === "y" || first === "no" || first === "n")) return command.slice(2);
  return command;
}

function splitOnConnectors(tokens: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const token of tokens) {
    if (CONNECTORS.has(token)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

function sameCommand(a: ParsedCommand, b: ParsedCommand): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---- one command ----

const LS_FLAGS_WITH_VALUES = ["-I", "-w", "--block-size", "--format", "--time-style", "--color", "--quoting-style"];
const EZA_FLAGS_WITH_VALUES = ["-I", "--ignore-glob", "--color", "--sort", "--time-style", "--time"];
const TREE_FLAGS_WITH_VALUES = ["-L", "-P", "-I", "--charset", "--filelimit", "--sort"];
const DU_FLAGS_WITH_VALUES = ["-d", "--max-depth", "-B", "--block-size", "--exclude", "--time-style"];
const RG_FLAGS_WITH_VALUES = ["-g", "--glob", "--iglob", "-t", "--type", "--type-add", "--type-not", "-m", "--max-count", "-A", "-B", "-C", "--context", "--max-depth"];
const AG_FLAGS_WITH_VALUES = ["-G", "-g", "--file-search-regex", "--ignore-dir", "--ignore-file", "--path-to-ignore"];
const FD_FLAGS_WITH_VALUES = ["-t", "--type", "-e", "--extension", "-E", "--exclude", "--search-path"];
const BAT_FLAGS_WITH_VALUES = ["--theme", "--language", "--style", "--terminal-width", "--tabs", "--line-range", "--map-syntax"];
const LESS_FLAGS_WITH_VALUES = ["-p", "-P", "-x", "-y", "-z", "-j", "--pattern", "--prompt", "--tabs", "--shift", "--jump-target"];
const NL_FLAGS_WITH_VALUES = ["-s", "-w", "-v", "-i", "-b"];
const GIT_LS_FILES_FLAGS_WITH_VALUES = ["--exclude", "--exclude-from", "--pathspec-from-file"];

function summarize(words: string[]): ParsedCommand {
  const cmd = shellJoin(words);
  const [head, ...tail] = words;
  const unknown: ParsedCommand = { type: "unknown", cmd };
  const read = (file: string | null): ParsedCommand => (file === null ? unknown : { type: "read", cmd, name: shortDisplayPath(file), path: file });
  const list = (dir: string | null): ParsedCommand => ({ type: "list_files", cmd, path: dir === null ? null : shortDisplayPath(dir) });

  switch (head) {
    case "ls":
      return list(firstOperand(tail, LS_FLAGS_WITH_VALUES));
    case "eza":
    case "exa":
      return list(firstOperand(tail, EZA_FLAGS_WITH_VALUES));
    case "tree":
      return list(firstOperand(tail, TREE_FLAGS_WITH_VALUES));
    case "du":
      return list(firstOperand(tail, DU_FLAGS_WITH_VALUES));
    case "rg":
    case "rga":
    case "ripgrep-all": {
      const args = trimAtConnector(tail);
      const operands = skipFlagValues(args, RG_FLAGS_WITH_VALUES).filter((a) => !a.startsWith("-"));
      if (args.includes("--files")) return list(operands[0] ?? null);
      return search(cmd, operands[0] ?? null, operands[1] ?? null);
    }
    case "git": {
      const [sub, ...subTail] = tail;
      if (sub === "grep") return grepLike(cmd, subTail);
      if (sub === "ls-files") return list(firstOperand(subTail, GIT_LS_FILES_FLAGS_WITH_VALUES));
      return unknown;
    }
    case "fd": {
      const operands = skipFlagValues(trimAtConnector(tail), FD_FLAGS_WITH_VALUES).filter((a) => !a.startsWith("-"));
      const [first, second] = operands;
      if (first === undefined) return list(null);
      if (second === undefined) return isPathish(first) ? list(first) : search(cmd, first, null);
      return search(cmd, first, second);
    }
    case "find": {
      const args = trimAtConnector(tail);
      const root = args.find((a) => !a.startsWith("-") && a !== "!" && a !== "(" && a !== ")") ?? null;
      const at = args.findIndex((a) => a === "-name" || a === "-iname" || a === "-path" || a === "-regex");
      const query = at >= 0 ? (args[at + 1] ?? null) : null;
      return query !== null ? search(cmd, query, root) : list(root);
    }
    case "grep":
    case "egrep":
    case "fgrep":
      return grepLike(cmd, tail);
    case "ag":
    case "ack":
    case "pt": {
      const operands = skipFlagValues(trimAtConnector(tail), AG_FLAGS_WITH_VALUES).filter((a) => !a.startsWith("-"));
      return search(cmd, operands[0] ?? null, operands[1] ?? null);
    }
    case "cat":
    case "more":
      return read(singleOperand(tail, []));
    case "bat":
    case "batcat":
      return read(singleOperand(tail, BAT_FLAGS_WITH_VALUES));
    case "less":
      return read(singleOperand(tail, LESS_FLAGS_WITH_VALUES));
    case "head":
      return read(headTailFile(tail, false));
    case "tail":
      return read(headTailFile(tail, true));
    case "awk":
      return read(awkDataFile(tail));
    case "nl":
      return read(skipFlagValues(tail, NL_FLAGS_WITH_VALUES).find((a) => !a.startsWith("-")) ?? null);
    case "sed":
      return read(sedReadPath(tail));
    default:
      if (head !== undefined && isPython(head) && pythonWalksFiles(tail)) return list(null);
      return unknown;
  }
}

function search(cmd: string, query: string | null, path: string | null): ParsedCommand {
  return { type: "search", cmd, query, path: path === null ? null : shortDisplayPath(path) };
}

function grepLike(cmd: string, rawArgs: string[]): ParsedCommand {
  const args = trimAtConnector(rawArgs);
  const operands: string[] = [];
  let pattern: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-e" || arg === "--regexp" || arg === "-f" || arg === "--file") {
      const value = args[++i];
      if (value !== undefined && pattern === null) pattern = value;
      continue;
    }
    if (["-m", "--max-count", "-C", "--context", "-A", "--after-context", "-B", "--before-context"].includes(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) operands.push(arg);
  }
  // The query is shown verbatim: patterns may contain slashes; only paths are shortened.
  const query = pattern ?? operands[0] ?? null;
  const path = operands[pattern !== null ? 0 : 1] ?? null;
  return search(cmd, query, path);
}

// `head -n 50 file`, `head -n50 file`, `head file`; tail also takes `+N`.
function headTailFile(args: string[], allowPlus: boolean): string | null {
  const isCount = (s: string) => /^\d+$/.test(allowPlus ? s.replace(/^\+/, "") : s);
  const [first, second] = args;
  const hasCount = (first === "-n" && second !== undefined && isCount(second)) || (first !== undefined && first.startsWith("-n") && first.length > 2 && isCount(first.slice(2)));
  if (hasCount) {
    const rest = first === "-n" ? args.slice(2) : args.slice(1);
    const file = rest.find((a) => !a.startsWith("-"));
    if (file !== undefined) return file;
  }
  if (args.length === 1 && first !== undefined && !first.startsWith("-")) return first;
  return null;
}

function awkDataFile(rawArgs: string[]): string | null {
  if (rawArgs.length === 0) return null;
  const args = trimAtConnector(rawArgs);
  const hasScriptFile = args.some((a) => a === "-f" || a === "--file");
  const operands = skipFlagValues(args, ["-F", "-v", "-f", "--field-separator", "--assign", "--file"]).filter((a) => !a.startsWith("-"));
  // Without -f the first operand is the program text, the second the first data file.
  return (hasScriptFile ? operands[0] : operands[1]) ?? null;
}

function validSedRange(arg: string | undefined): boolean {
  return arg !== undefined && /^(\d+,)?\d+p$/.test(arg);
}

// The file of `sed -n 10,20p file` (or `sed -n -e 10p file`), else null.
function sedReadPath(rawArgs: string[]): string | null {
  const args = trimAtConnector(rawArgs);
  if (!args.includes("-n")) return null;
  let hasRange = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-e" || arg === "--expression") {
      if (validSedRange(args[i + 1])) hasRange = true;
      i++;
    } else if (arg === "-f" || arg === "--file") {
      i++;
    }
  }
  if (!hasRange) hasRange = args.some((a) => !a.startsWith("-") && validSedRange(a));
  if (!hasRange) return null;
  const operands = skipFlagValues(args, ["-e", "-f", "--expression", "--file"]).filter((a) => !a.startsWith("-"));
  const [first, second] = operands;
  if (first === undefined) return null;
  return validSedRange(first) ? (second ?? null) : first;
}

// A command that only reshapes another's output in a pipeline.
function isFormattingHelper(words: string[]): boolean {
  const [head, ...tail] = words;
  switch (head) {
    case "wc":
    case "tr":
    case "cut":
    case "sort":
    case "uniq":
    case "tee":
    case "column":
    case "yes":
    case "printf":
      return true;
    case "xargs":
      return !isMutatingXargs(tail);
    case "awk":
      return awkDataFile(tail) === null;
    case "head":
    case "tail": {
      const plus = head === "tail";
      const isCount = (s: string) => /^\d+$/.test(plus ? s.replace(/^\+/, "") : s);
      if (tail.length === 0) return true;
      if (tail.length === 1) return (tail[0] as string).startsWith("-");
      if (tail.length === 2) return (tail[0] === "-n" || tail[0] === "-c") && isCount(tail[1] as string);
      return false;
    }
    case "sed":
      return sedReadPath(tail) === null;
    default:
      return false;
  }
}

// `xargs perl -pi -e ...`, `xargs sed -i ...`: a pipeline that edits files is not formatting.
function isMutatingXargs(args: string[]): boolean {
  let i = 0;
  let sub: string[] | null = null;
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg === "--") {
      sub = args.slice(i + 1);
      break;
    }
    if (!arg.startsWith("-")) {
      sub = args.slice(i);
      break;
    }
    i += ["-E", "-e", "-I", "-L", "-n", "-P", "-s"].includes(arg) ? 2 : 1;
  }
  if (sub === null || sub.length === 0) return false;
  const [program, ...rest] = sub;
  const inPlace = rest.some((a) => a.startsWith("-i") || a.startsWith("-pi"));
  if (program === "perl" || program === "ruby") return inPlace;
  if (program === "sed") return inPlace || rest.includes("--in-place");
  if (program === "rg") return rest.includes("--replace");
  return false;
}

function isPython(program: string): boolean {
  return /^python([23](\.\d+)?)?$/.test(program);
}

function pythonWalksFiles(rawArgs: string[]): boolean {
  const args = trimAtConnector(rawArgs);
  const at = args.indexOf("-c");
  const script = at >= 0 ? args[at + 1] : undefined;
  if (script === undefined) return false;
  return ["os.walk", "os.listdir", "os.scandir", "glob.glob", "glob.iglob", "pathlib.Path", ".rglob("].some((s) => script.includes(s));
}

// ---- argument helpers ----

function trimAtConnector(tokens: string[]): string[] {
  const at = tokens.findIndex((t) => CONNECTORS.has(t));
  return at < 0 ? tokens : tokens.slice(0, at);
}

// Drops the values of flags that take one and `--flag=value` words; keeps other flags.
function skipFlagValues(args: string[], flagsWithValues: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--") && arg.includes("=")) continue;
    if (flagsWithValues.includes(arg)) {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

// Positional operands: everything after `--`, and words not starting with `-` before it.
function operandsOf(args: string[], flagsWithValues: readonly string[]): string[] {
  const dashes = args.indexOf("--");
  const before = dashes < 0 ? args : args.slice(0, dashes);
  const after = dashes < 0 ? [] : args.slice(dashes + 1);
  return [...skipFlagValues(before, flagsWithValues).filter((a) => !a.startsWith("-")), ...after];
}

function firstOperand(args: string[], flagsWithValues: readonly string[]): string | null {
  return operandsOf(args, flagsWithValues)[0] ?? null;
}

function singleOperand(args: string[], flagsWithValues: readonly string[]): string | null {
  const operands = operandsOf(args, flagsWithValues);
  return operands.length === 1 ? (operands[0] as string) : null;
}

function cdTarget(args: string[]): string | null {
  let target: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") return args[i + 1] ?? null;
    if (!arg.startsWith("-")) target = arg;
  }
  return target;
}

function isPathish(s: string): boolean {
  return s === "." || s === ".." || s.startsWith("./") || s.startsWith("../") || s.includes("/") || s.includes("\\");
}

function joinPath(base: string, rel: string): string {
  if (rel.startsWith("/") || /^[A-Za-z]:\\/.test(rel) || rel.startsWith("\\\\") || base === "") return rel;
  return base.endsWith("/") ? base + rel : `${base}/${rel}`;
}

/**
 * The most telling component of a path for display: the last one, skipping build, dist,
 * node_modules and src (`webview/src` -> `webview`).
 */
export function shortDisplayPath(path: string): string {
  const trimmed = path.replace(/\\/g, "/").replace(/\/+$/, "");
  const parts = trimmed.split("/").reverse();
  return parts.find((p) => p !== "" && p !== "build" && p !== "dist" && p !== "node_modules" && p !== "src") ?? trimmed;
}
