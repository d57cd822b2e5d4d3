// Parses the Codex patch format into hunks. Pure text work: nothing here touches the filesystem.
//
//   *** Begin Patch
//   *** Add File: path        followed by "+" lines (the new file's content)
//   *** Delete File: path
//   *** Update File: path     optionally "*** Move to: path", then chunks:
//   @@ [context line]         " " context, "-" removed, "+" added lines, optional "*** End of File"
//   *** End Patch
//
// As lenient as the reference: markers may carry surrounding whitespace, the whole text may be
// wrapped in a heredoc (`<<'EOF'` … `EOF`, what models send when they forget a shell is needed),
// the first chunk of an update may omit its "@@", and blank lines between chunks are skipped.

export interface AddFileHunk {
  type: "add";
  /** The path as written in the patch (relative to the patch's cwd, or absolute). */
  path: string;
  contents: string;
}

export interface DeleteFileHunk {
  type: "delete";
  path: string;
}

export interface UpdateFileHunk {
  type: "update";
  path: string;
  movePath: string | null;
  /** In file order: each chunk is searched for after the previous one. */
  chunks: UpdateFileChunk[];
}

export type PatchHunk = AddFileHunk | DeleteFileHunk | UpdateFileHunk;

export interface UpdateFileChunk {
  /** A line (usually a class or function header) that must occur before `oldLines`. */
  changeContext: string | null;
  oldLines: string[];
  newLines: string[];
  /** `oldLines` must sit at the end of the file. */
  isEndOfFile: boolean;
}

export interface ParsedPatch {
  hunks: PatchHunk[];
  /** The patch text without any heredoc wrapper: what an `apply_patch` exec call would take. */
  patch: string;
}

/**
 * A malformed patch. `message` is the reference's Display text ("invalid patch: …" or
 * "invalid hunk at line N, …"), which is what the model is told.
 */
export class PatchParseError extends Error {
  override readonly name = "PatchParseError";
  constructor(
    readonly kind: "patch" | "hunk",
    readonly detail: string,
    /** 1-based line in the patch text (after the heredoc wrapper is removed); null for whole-patch errors. */
    readonly lineNumber: number | null,
  ) {
    super(kind === "patch" ? `invalid patch: ${detail}` : `invalid hunk at line ${lineNumber}, ${detail}`);
  }
}

const BEGIN_PATCH = "*** Begin Patch";
const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const CONTEXT_MARKER = "@@ ";
const EMPTY_CONTEXT_MARKER = "@@";
const HEREDOC_OPENERS = new Set(["<<EOF", "<<'EOF'", '<<"EOF"']);
const EMPTY_CHUNK = "Update hunk does not contain any lines";

/** Parses a patch; throws PatchParseError with the reference's wording when it is malformed. */
export function parsePatch(text: string): ParsedPatch {
  const lines = splitLines(text.trim());
  const body = patchBoundaries(lines);
  const hunks: PatchHunk[] = [];
  let index = body.start;
  // Line numbers count from the "*** Begin Patch" line as 1, as the reference reports them.
  let lineNumber = 2;
  while (index < body.end) {
    const consumed = parseOneHunk(lines, index, body.end, lineNumber, hunks);
    index += consumed;
    lineNumber += consumed;
  }
  return { hunks, patch: lines.slice(body.start - 1, body.end + 1).join("\n") };
}

// Rust's str::lines: split on "\n", drop one "\r" before it, no empty last line for a final "\n".
function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

interface BodyRange {
  /** Index of the first hunk line (the line after "*** Begin Patch"). */
  start: number;
  /** Index of the "*** End Patch" line (exclusive end of the hunks). */
  end: number;
}

function patchBoundaries(lines: string[]): BodyRange {
  const strictError = checkBoundaries(lines, 0, lines.length);
  if (strictError === null) return { start: 1, end: lines.length - 1 };
  // A heredoc wrapper around an otherwise valid patch (needs the two markers plus two lines).
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (lines.length >= 4 && first !== undefined && last !== undefined && HEREDOC_OPENERS.has(first) && last.endsWith("EOF")) {
    const innerError = checkBoundaries(lines, 1, lines.length - 1);
    if (innerError !== null) throw innerError;
    return { start: 2, end: lines.length - 2 };
  }
  throw strictError;
}

function checkBoundaries(lines: string[], from: number, to: number): PatchParseError | null {
  const first = to > from ? lines[from]?.trim() : undefined;
  const last = to > from ? lines[to - 1]?.trim() : undefined;
  if (first === BEGIN_PATCH && last === END_PATCH && to - from >= 2) return null;
  if (first !== BEGIN_PATCH) return new PatchParseError("patch", "The first line of the patch must be '*** Begin Patch'", null);
  return new PatchParseError("patch", "The last line of the patch must be '*** End Patch'", null);
}

/** Parses the hunk starting at lines[index] into `out`; returns how many lines it used. */
function parseOneHunk(lines: string[], index: number, end: number, lineNumber: number, out: PatchHunk[]): number {
  const header = (lines[index] ?? "").trim();

  if (header.startsWith(ADD_FILE)) {
    let contents = "";
    let used = 1;
    for (let i = index + 1; i < end; i++) {
      const line = lines[i] ?? "";
      if (!line.startsWith("+")) break;
      contents += line.slice(1) + "\n";
      used++;
    }
    out.push({ type: "add", path: header.slice(ADD_FILE.length), contents });
    return used;
  }

  if (header.startsWith(DELETE_FILE)) {
    out.push({ type: "delete", path: header.slice(DELETE_FILE.length) });
    return 1;
  }

  if (header.startsWith(UPDATE_FILE)) {
    const path = header.slice(UPDATE_FILE.length);
    let used = 1;
    let movePath: string | null = null;
    const maybeMove = lines[index + used];
    if (index + used < end && maybeMove !== undefined && maybeMove.startsWith(MOVE_TO)) {
      movePath = maybeMove.slice(MOVE_TO.length);
      used++;
    }
    const chunks: UpdateFileChunk[] = [];
    while (index + used < end) {
      const line = lines[index + used] ?? "";
      // Blank lines may separate chunks; a line starting with "*" begins the next hunk.
      if (line.trim() === "") {
        used++;
        continue;
      }
      if (line.startsWith("*")) break;
      const chunk = parseChunk(lines, index + used, end, lineNumber + used, chunks.length === 0);
      chunks.push(chunk.chunk);
      used += chunk.used;
    }
    if (chunks.length === 0) {
      throw new PatchParseError("hunk", `Update file hunk for path '${path}' is empty`, lineNumber);
    }
    out.push({ type: "update", path, movePath, chunks });
    return used;
  }

  throw new PatchParseError(
    "hunk",
    `'${header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`,
    lineNumber,
  );
}

function parseChunk(
  lines: string[],
  index: number,
  end: number,
  lineNumber: number,
  allowMissingContext: boolean,
): { chunk: UpdateFileChunk; used: number } {
  const first = lines[index] ?? "";
  let changeContext: string | null = null;
  let start = 0;
  if (first === EMPTY_CONTEXT_MARKER) {
    start = 1;
  } else if (first.startsWith(CONTEXT_MARKER)) {
    changeContext = first.slice(CONTEXT_MARKER.length);
    start = 1;
  } else if (!allowMissingContext) {
    throw new PatchParseError("hunk", `Expected update hunk to start with a @@ context marker, got: '${first}'`, lineNumber);
  }
  if (index + start >= end) throw new PatchParseError("hunk", EMPTY_CHUNK, lineNumber + 1);

  const chunk: UpdateFileChunk = { changeContext, oldLines: [], newLines: [], isEndOfFile: false };
  let parsed = 0;
  for (let i = index + start; i < end; i++) {
    const line = lines[i] ?? "";
    if (line === END_OF_FILE) {
      if (parsed === 0) throw new PatchParseError("hunk", EMPTY_CHUNK, lineNumber + 1);
      chunk.isEndOfFile = true;
      parsed++;
      break;
    }
    const marker = line[0];
    if (marker === undefined) {
      // An empty line inside a chunk is an empty context line whose leading space was lost.
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (marker === " ") {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
    } else if (marker === "+") {
      chunk.newLines.push(line.slice(1));
    } else if (marker === "-") {
      chunk.oldLines.push(line.slice(1));
    } else {
      if (parsed === 0) {
        throw new PatchParseError(
          "hunk",
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          lineNumber + 1,
        );
      }
      break; // the next chunk's "@@" or the next hunk
    }
    parsed++;
  }
  return { chunk, used: parsed + start };
}
