// Computes a file's new content from an Update hunk's chunks, in memory. Chunks are located in
// order (each after the previous one), then all replacements are applied at once.

import { seekSequence } from "./seek-sequence.js";
import type { UpdateFileChunk } from "./parser.js";

/** A chunk whose context or old lines are not in the file; `message` is the reference's text. */
export class ContextMismatchError extends Error {
  override readonly name = "ContextMismatchError";
}

interface Replacement {
  start: number;
  oldLength: number;
  newLines: readonly string[];
}

/**
 * The content after applying `chunks` to `original`. `displayPath` names the file in errors.
 * The result always ends with a newline, as the reference writes it. A file whose every line
 * ends in CRLF keeps CRLF (the reference only does this on Windows; on Linux it would leave a
 * mix of CRLF and LF lines).
 */
export function applyChunks(original: string, chunks: readonly UpdateFileChunk[], displayPath: string): string {
  const crlf = usesCrlfThroughout(original);
  const lines = splitFileLines(crlf ? original.replaceAll("\r\n", "\n") : original);
  const replacements = locateChunks(lines, chunks, displayPath);
  const result = lines.slice();
  // Back to front, so earlier indices stay valid.
  for (let i = replacements.length - 1; i >= 0; i--) {
    const r = replacements[i]!;
    result.splice(r.start, r.oldLength, ...r.newLines);
  }
  if (result[result.length - 1] !== "") result.push("");
  return result.join(crlf ? "\r\n" : "\n");
}

// "a\nb\n" -> ["a", "b"]: the empty string after the final newline is not a line.
function splitFileLines(content: string): string[] {
  const lines = content.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function usesCrlfThroughout(content: string): boolean {
  let newlines = 0;
  let crlf = 0;
  for (let i = content.indexOf("\n"); i !== -1; i = content.indexOf("\n", i + 1)) {
    newlines++;
    if (i > 0 && content.charCodeAt(i - 1) === 13) crlf++;
  }
  return newlines > 0 && crlf === newlines;
}

function locateChunks(lines: readonly string[], chunks: readonly UpdateFileChunk[], displayPath: string): Replacement[] {
  const replacements: Replacement[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    if (chunk.changeContext !== null) {
      const at = seekSequence(lines, [chunk.changeContext], cursor, false);
      if (at === null) throw new ContextMismatchError(`Failed to find context '${chunk.changeContext}' in ${displayPath}`);
      cursor = at + 1;
    }

    if (chunk.oldLines.length === 0) {
      // A pure addition goes at the end of the file (before a final empty line, if any).
      const insertAt = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
      replacements.push({ start: insertAt, oldLength: 0, newLines: chunk.newLines });
      continue;
    }

    let pattern: readonly string[] = chunk.oldLines;
    let newLines: readonly string[] = chunk.newLines;
    let found = seekSequence(lines, pattern, cursor, chunk.isEndOfFile);
    // A trailing empty old line often stands for the file's final newline, which is not a line
    // here: retry without it.
    if (found === null && pattern[pattern.length - 1] === "") {
      pattern = pattern.slice(0, -1);
      if (newLines[newLines.length - 1] === "") newLines = newLines.slice(0, -1);
      found = seekSequence(lines, pattern, cursor, chunk.isEndOfFile);
    }
    if (found === null) {
      throw new ContextMismatchError(`Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join("\n")}`);
    }
    replacements.push({ start: found, oldLength: pattern.length, newLines });
    cursor = found + pattern.length;
  }
  return replacements.sort((a, b) => a.start - b.start);
}
