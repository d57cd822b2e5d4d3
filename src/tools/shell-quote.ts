// POSIX shell quoting for display: the string a client shows for an argv (v2
// commandExecution.command, parsed_cmd `cmd` fields). It follows the rules of the shlex
// crate the reference uses, so the same argv renders the same way: bare when every
// character is plain, else single quotes, else double quotes, split into chunks when no
// single style fits the whole word.

// Characters that never need quoting.
const PLAIN = /^[A-Za-z0-9+\-./:@\]_]$/;

const BARE = 1;
const SINGLE = 2;
const DOUBLE = 4;

function allowedStyles(ch: string): number {
  let ok = BARE | SINGLE | DOUBLE;
  // Non-ASCII is quoted too: some shells treat unusual bytes as word separators.
  if (!PLAIN.test(ch)) ok &= ~BARE;
  // Backslashes are literal in POSIX single quotes but not in fish; double quotes work in both.
  if (ch === "'" || ch === "\\" || ch === "^") ok &= ~SINGLE;
  // `$` and backquote need escaping in double quotes; `!` and `^` are special interactively.
  if (ch === "$" || ch === "`" || ch === "!" || ch === "^") ok &= ~DOUBLE;
  return ok;
}

function quoteChunk(chunk: string, style: number): string {
  if (style & BARE) return chunk;
  if (style & SINGLE) return `'${chunk}'`;
  return `"${chunk.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}

/** Quotes one word so that a POSIX shell reads it back unchanged. */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  const chars = Array.from(word);
  let out = "";
  let i = 0;
  while (i < chars.length) {
    let ok = BARE | SINGLE | DOUBLE;
    let j = i;
    // A leading `^` means "history substitution" to zsh; only a single-quoted chunk is safe.
    if (chars[j] === "^") {
      ok = SINGLE;
      j++;
    }
    for (; j < chars.length; j++) {
      const next = ok & allowedStyles(chars[j] as string);
      if (next === 0) break;
      ok = next;
    }
    const chunk = chars.slice(i, j).join("");
    if (ok & BARE && i === 0 && j === chars.length) return word;
    // `^` alone at a chunk start with nothing after it that fits still needs its own quotes.
    out += quoteChunk(chunk, ok & BARE ? BARE : ok & SINGLE ? SINGLE : DOUBLE);
    i = j;
  }
  return out;
}

/** Joins an argv into one shell-quoted string, e.g. `bash -lc 'echo hi > out.txt'`. */
export function shellJoin(command: readonly string[]): string {
  // NUL cannot appear in a shell word; the reference prints this placeholder instead.
  if (command.some((w) => w.includes("\0"))) return "<command included NUL byte>";
  return command.map(shellQuote).join(" ");
}
