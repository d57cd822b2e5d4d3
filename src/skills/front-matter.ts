// The front matter of a SKILL.md: the block between the first two `---` lines, read as YAML (the
// `yaml` package: quoted, block and folded scalars, nested maps, comments). A block that is not YAML,
// or not a map of keys to values, is reported as a problem of that file.
import YAML from "yaml";

export type FrontMatter = Record<string, unknown>;

export class FrontMatterError extends Error {}

export function parseFrontMatter(text: string): FrontMatter {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0]?.trim() !== "---") throw new FrontMatterError("missing YAML frontmatter delimited by ---");
  const end = lines.indexOf("---", 1);
  const close = end > 0 ? end : lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (close < 0) throw new FrontMatterError("missing YAML frontmatter delimited by ---");
  let value: unknown;
  try {
    value = YAML.parse(lines.slice(1, close).join("\n"));
  } catch (error) {
    if (!(error instanceof YAML.YAMLError)) throw error;
    // The block starts on the file's second line; the message's first line says what is wrong.
    const line = error.linePos?.[0].line;
    const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new FrontMatterError(`invalid YAML in frontmatter${line !== undefined ? ` (line ${line + 1})` : ""}: ${what}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new FrontMatterError("invalid YAML in frontmatter (line 2): expected a map of keys to values");
  return value as FrontMatter;
}
