// `-c key=value` overrides: a dotted path, and a value parsed as TOML or else taken as a string.
import { parse } from "smol-toml";
import { setPath, type TomlTable } from "./toml-table.js";

export interface ConfigOverride {
  path: string[];
  value: unknown;
}

export class OverrideSyntaxError extends Error {}

export function parseOverride(raw: string): ConfigOverride {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new OverrideSyntaxError(`invalid override ${JSON.stringify(raw)}: expected key=value`);
  const key = raw.slice(0, eq).trim();
  const path = splitDottedKey(key);
  if (path.length === 0 || path.some((p) => p === "")) {
    throw new OverrideSyntaxError(`invalid override key ${JSON.stringify(key)}`);
  }
  return { path, value: parseValue(raw.slice(eq + 1).trim()) };
}

function parseValue(text: string): unknown {
  try {
    return parse(`v = ${text}`).v;
  } catch {
    // Not TOML: take it literally, so `-c model=o3` works without quotes.
    return text;
  }
}

/** Splits `a."b.c".d` into ["a", "b.c", "d"]. */
export function splitDottedKey(key: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ".") {
      parts.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts;
}

export function applyOverrides(table: TomlTable, overrides: readonly ConfigOverride[]): TomlTable {
  return overrides.reduce((acc, o) => setPath(acc, o.path, o.value), table);
}
