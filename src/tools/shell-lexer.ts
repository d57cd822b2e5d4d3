// Splits a shell script into plain commands joined by `&&`, `||`, `;`, `|` (or newlines) and
// refuses anything else. Both the safe-command check and the command summariser need "what
// exactly would run?", and a script is only answerable when it has no expansions,
// substitutions, redirections, subshells, groups, assignments or background jobs: for those
// this returns null rather than guess.

export type Connector = "&&" | "||" | ";" | "|";

export interface PlainScript {
  /** Each command's words, quotes removed, in source order. */
  commands: string[][];
  /** connectors[i] joins commands[i] and commands[i + 1]; newlines count as ";". */
  connectors: Connector[];
}

export interface LexOptions {
  /**
   * Accept unquoted glob characters (`*`, `?`, `[`). The summariser may (it only describes the
   * command); the safety check must not, since a glob can expand to a file named like a flag
   * (`--pre=cmd` for rg, `-delete` for find).
   */
  allowGlobs?: boolean;
}

// Unquoted characters that mean shell syntax we refuse: expansions and substitutions,
// redirections, subshells, groups and brace expansion. (`#` is refused at a word start only.)
const REFUSED_UNQUOTED = new Set(["$", "`", "(", ")", "<", ">", "{", "}"]);
const GLOB = new Set(["*", "?", "["]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

interface Word {
  text: string;
  /** True when the word had no quotes or escapes (a quoted "!" is an argument, not negation). */
  bare: boolean;
  /** The characters read before the first quote or escape: `FOO=` here makes an assignment. */
  unquotedPrefix: string;
}

/** Parses a script of plain commands, or returns null when it contains anything else. */
export function parsePlainScript(script: string, options: LexOptions = {}): PlainScript | null {
  const commands: string[][] = [];
  const connectors: Connector[] = [];
  let current: Word[] = [];
  // The connector after the last finished command, waiting for the next one.
  let pending: Connector | null = null;
  let i = 0;
  const n = script.length;

  // Ends the command being read; `&&`, `||`, `|` and `;` all need a command before them.
  const finish = (next: Connector): boolean => {
    const first = current[0];
    if (first === undefined) return false;
    // `FOO=bar cmd` changes the command's environment; `! cmd` is pipeline negation.
    if (ASSIGNMENT.test(first.unquotedPrefix) || (first.bare && first.text === "!")) return false;
    if (pending !== null) connectors.push(pending);
    commands.push(current.map((w) => w.text));
    current = [];
    pending = next;
    return true;
  };

  while (i < n) {
    const ch = script[i] as string;
    if (ch === " " || ch === "\t") {
      i++;
    } else if (ch === "\n") {
      // A newline ends a command; after `&&`, `||`, `|` (or on a blank line) it is just space.
      if (current.length > 0 && !finish(";")) return null;
      i++;
    } else if (ch === ";") {
      // `;;` terminates a case branch, never a plain separator.
      if (script[i + 1] === ";" || !finish(";")) return null;
      i++;
    } else if (ch === "&") {
      // A lone `&` is a background job (or the start of an `&>` redirection).
      if (script[i + 1] !== "&" || !finish("&&")) return null;
      i += 2;
    } else if (ch === "|") {
      // `|&` also pipes stderr: a redirection.
      if (script[i + 1] === "&") return null;
      const op: Connector = script[i + 1] === "|" ? "||" : "|";
      if (!finish(op)) return null;
      i += op.length;
    } else {
      const word = readWord();
      if (word === null) return null;
      current.push(word);
    }
  }
  if (current.length > 0 && !finish(";")) return null;
  // A script may end with `;` but not with `&&`, `||` or `|`.
  if (pending !== null && pending !== ";") return null;
  return commands.length > 0 ? { commands, connectors } : null;

  function readWord(): Word | null {
    let text = "";
    let bare = true;
    let unquotedPrefix = "";
    let started = false;
    while (i < n) {
      const ch = script[i] as string;
      if (ch === " " || ch === "\t" || ch === "\n" || ch === ";" || ch === "&" || ch === "|") break;
      if (ch === "'") {
        const end = script.indexOf("'", i + 1);
        if (end < 0) return null;
        text += script.slice(i + 1, end);
        i = end + 1;
        bare = false;
      } else if (ch === '"') {
        const body = readDoubleQuoted();
        if (body === null) return null;
        text += body;
        bare = false;
      } else if (ch === "\\") {
        const next = script[i + 1];
        if (next === undefined) return null;
        // Backslash-newline is a line continuation, not a character.
        if (next !== "\n") text += next;
        i += 2;
        bare = false;
      } else {
        if (REFUSED_UNQUOTED.has(ch)) return null;
        if (!options.allowGlobs && GLOB.has(ch)) return null;
        if (ch === "#" && !started) return null;
        text += ch;
        if (bare) unquotedPrefix += ch;
        i++;
      }
      started = true;
    }
    return { text, bare, unquotedPrefix };
  }

  function readDoubleQuoted(): string | null {
    let body = "";
    i++; // opening quote
    while (i < n) {
      const ch = script[i] as string;
      if (ch === '"') {
        i++;
        return body;
      }
      // Parameter, arithmetic and command substitution all still happen inside double quotes.
      if (ch === "$" || ch === "`") return null;
      if (ch === "\\") {
        const next = script[i + 1];
        if (next === undefined) return null;
        if (next === "\n") {
          i += 2;
          continue;
        }
        // Inside double quotes a backslash only escapes these; elsewhere it stays literal.
        if (next === "$" || next === "`" || next === '"' || next === "\\") {
          body += next;
          i += 2;
          continue;
        }
        body += ch;
        i++;
        continue;
      }
      body += ch;
      i++;
    }
    return null; // unterminated
  }
}

const SHELL_NAMES = new Set(["bash", "zsh", "sh"]);
// The usual install locations; a shell at any other path could be anything.
const SHELL_PATHS = new Set(["/bin/bash", "/usr/bin/bash", "/bin/zsh", "/usr/bin/zsh", "/bin/sh", "/usr/bin/sh"]);

/**
 * The script of `bash -c <script>` / `bash -lc <script>` (zsh and sh too), else null. With
 * `anyPath`, a shell named by any path counts (fine for describing a command, not for trusting it).
 */
export function extractShellScript(command: readonly string[], options: { anyPath?: boolean } = {}): string | null {
  if (command.length !== 3) return null;
  const [shell, flag, script] = command as [string, string, string];
  if (flag !== "-c" && flag !== "-lc") return null;
  const known = SHELL_NAMES.has(shell) || SHELL_PATHS.has(shell) || (options.anyPath === true && SHELL_NAMES.has(shell.slice(shell.lastIndexOf("/") + 1)));
  return known ? script : null;
}
