// Finds where a key path is written in config.toml, so an error can name the line and column.
import { splitDottedKey } from "./overrides.js";

export interface TextPosition {
  line: number; // 1-based
  column: number; // 1-based
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const ASSIGNMENT = /^(\s*)((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- \t"']+?))\s*=\s*/;

/**
 * The position of the value of `path` (or of the deepest prefix of it that is written down, for
 * keys inside inline tables); undefined when the file does not mention it.
 */
export function locateKey(text: string, path: readonly string[]): TextPosition | undefined {
  const lines = text.split("\n");
  let table: string[] = [];
  let best: { depth: number; pos: TextPosition } | undefined;
  lines.forEach((line, index) => {
    const header = HEADER.exec(line);
    if (header?.[1]) {
      table = splitDottedKey(header[1]);
      if (isPrefix(table, path) && table.length > (best?.depth ?? 0)) {
        best = { depth: table.length, pos: { line: index + 1, column: line.indexOf("[") + 1 } };
      }
      return;
    }
    const assign = ASSIGNMENT.exec(line);
    if (!assign?.[2]) return;
    const full = [...table, ...splitDottedKey(assign[2])];
    if (!isPrefix(full, path)) return;
    let depth = full.length;
    let column = assign[0].length + 1;
    // Follow the path into an inline table on the same line: `exporter = { otlp-http = { protocol = "x" } }`.
    for (const segment of path.slice(full.length)) {
      const at = line.slice(column - 1).search(new RegExp(`(^|[{,\\s])"?${escapeRegExp(segment)}"?\\s*=`));
      if (at < 0) break;
      const rest = line.slice(column - 1 + at);
      const eq = rest.indexOf("=");
      column = column + at + eq + 1;
      while (line[column - 1] === " ") column++;
      depth++;
    }
    if (depth >= (best?.depth ?? 0)) best = { depth, pos: { line: index + 1, column } };
  });
  return best?.pos;
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
