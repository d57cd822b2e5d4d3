// The front matter of a SKILL.md: the block between the first two `---` lines. Skills use a small
// YAML subset (`key: value`, quoted or plain, and one nested map such as `metadata:`), which is all
// this reads; anything else in the block is reported as a problem of that file.

export type FrontMatter = Record<string, string | Record<string, string>>;

export class FrontMatterError extends Error {}

export function parseFrontMatter(text: string): FrontMatter {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0]?.trim() !== "---") throw new FrontMatterError("missing YAML frontmatter delimited by ---");
  const end = lines.indexOf("---", 1);
  const close = end > 0 ? end : lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (close < 0) throw new FrontMatterError("missing YAML frontmatter delimited by ---");
  const out: FrontMatter = {};
  let nested: Record<string, string> | undefined;
  for (const [i, raw] of lines.slice(1, close).entries()) {
    if (raw.trim() === "" || raw.trimStart().startsWith("#")) continue;
    const m = /^(\s*)([A-Za-z0-9_.-]+):(?:\s+(.*))?\s*$/.exec(raw);
    if (!m) throw new FrontMatterError(`invalid YAML in frontmatter (line ${i + 2}): ${JSON.stringify(raw.trim())}`);
    const [, indent, key, value] = m as unknown as [string, string, string, string | undefined];
    if (indent.length > 0) {
      if (!nested) throw new FrontMatterError(`invalid YAML in frontmatter (line ${i + 2}): unexpected indentation`);
      nested[key] = scalar(value ?? "", i + 2);
    } else if (value === undefined || value === "") {
      nested = {};
      out[key] = nested;
    } else {
      nested = undefined;
      out[key] = scalar(value, i + 2);
    }
  }
  return out;
}

function scalar(value: string, line: number): string {
  const v = value.trim();
  if (v.startsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      throw new FrontMatterError(`invalid YAML in frontmatter (line ${line}): bad double-quoted string`);
    }
  }
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) throw new FrontMatterError(`invalid YAML in frontmatter (line ${line}): bad single-quoted string`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v === "|" || v === ">" || v.startsWith("[") || v.startsWith("{")) {
    throw new FrontMatterError(`invalid YAML in frontmatter (line ${line}): only plain or quoted one-line values are read`);
  }
  return v.replace(/\s+#.*$/, "");
}
