// Unified diff text, hunks only or git-style with headers, computed with the `diff` package and
// printed the way GNU diff and git print ranges ("-3" for one line, "-0,0" before line 1).

import { createHash } from "node:crypto";
import { structuredPatch } from "diff";

/** Just the "@@" hunks between two texts (no file headers), as the v1 `unified_diff` carries. */
export function diffHunks(oldText: string, newText: string, context: number): string {
  if (oldText === newText) return "";
  // Only the span from the first to the last changed line (with its context) is diffed: a patch
  // changes a few lines of large files, and the diff of the unchanged rest would cost the most.
  const a = oldText.split("\n");
  const b = newText.split("\n");
  let prefix = 0;
  while (prefix < a.length - 1 && prefix < b.length - 1 && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const skip = Math.max(0, prefix - context);
  const keepEnd = Math.max(0, suffix - context);
  // With lines kept off the end, each middle line had a newline after it; otherwise the slice ends
  // with the text's own last line (or "" after a final newline).
  const middle = (lines: string[]) => {
    const kept = lines.slice(skip, lines.length - keepEnd);
    return keepEnd > 0 ? kept.map((line) => `${line}\n`).join("") : kept.join("\n");
  };
  const { hunks } = structuredPatch("", "", middle(a), middle(b), "", "", { context });
  let out = "";
  for (const hunk of hunks) {
    out += `@@ -${range(hunk.oldStart + skip, hunk.oldLines)} +${range(hunk.newStart + skip, hunk.newLines)} @@\n`;
    for (const line of hunk.lines) out += line + "\n";
  }
  return out;
}

function range(start: number, length: number): string {
  if (length === 0) return `${start - 1},0`;
  if (length === 1) return `${start}`;
  return `${start},${length}`;
}

export interface GitFileDiff {
  /** Display names, without the a/ b/ prefixes. */
  oldName: string;
  newName: string;
  /** null when the file does not exist on that side. */
  oldText: string | null;
  newText: string | null;
  /** Permission bits for the mode lines (default 100644). */
  mode?: number | null;
}

const ZERO_OID = "0".repeat(40);

/**
 * A `git diff`-style section for one file: `diff --git`, new/deleted file mode, `index` with git
 * blob ids, `---`/`+++` and the hunks (3 lines of context). Empty when nothing changed.
 */
export function gitFileDiff(file: GitFileDiff): string {
  const oldText = file.oldText ?? "";
  const newText = file.newText ?? "";
  const renamed = file.oldName !== file.newName && file.oldText !== null && file.newText !== null;
  if (file.oldText === file.newText && !renamed) return "";
  const mode = gitMode(file.mode ?? null);
  let out = `diff --git a/${file.oldName} b/${file.newName}\n`;
  if (file.oldText === null) out += `new file mode ${mode}\n`;
  if (file.newText === null) out += `deleted file mode ${mode}\n`;
  const oldOid = file.oldText === null ? ZERO_OID : blobId(oldText);
  const newOid = file.newText === null ? ZERO_OID : blobId(newText);
  const bothExist = file.oldText !== null && file.newText !== null;
  out += `index ${oldOid}..${newOid}${bothExist ? ` ${mode}` : ""}\n`;
  const hunks = diffHunks(oldText, newText, 3);
  if (hunks === "") return out;
  out += `--- ${file.oldText === null ? "/dev/null" : `a/${file.oldName}`}\n`;
  out += `+++ ${file.newText === null ? "/dev/null" : `b/${file.newName}`}\n`;
  return out + hunks;
}

function gitMode(mode: number | null): string {
  return mode !== null && (mode & 0o111) !== 0 ? "100755" : "100644";
}

/** The id git gives a blob with this content. */
export function blobId(text: string): string {
  const bytes = Buffer.from(text);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
