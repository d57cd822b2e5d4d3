// Turns a parsed patch into a plan: every file's content before and after, computed in memory,
// with every check that can refuse the patch done up front. Nothing is written here; a plan
// that builds is one commitPatch can apply whole.

import type { BigIntStats } from "node:fs";
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import { ApplyPatchError, describeOsError } from "./errors.js";
import { parsePatch, PatchParseError, type ParsedPatch } from "./parser.js";
import { isNotFound, realTargetPath } from "./target-paths.js";
import { applyChunks, ContextMismatchError } from "./update-content.js";

/** Files larger than this are neither read nor written (binary blobs, generated bundles). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface PlanOptions {
  /** Absolute directory relative patch paths resolve against (the turn's cwd, or `cd` target). */
  cwd: string;
  maxFileBytes?: number;
}

/** One hunk's effect, in patch order: what events, approvals and the summary show. */
export interface PlannedChange {
  kind: "add" | "delete" | "update";
  /** Absolute path (cwd-resolved, symlinks not followed): the key events use. */
  path: string;
  /** The path as written in the patch: what the success summary lists. */
  displayPath: string;
  /** Update with "*** Move to": the absolute destination and its patch spelling. */
  movePath: string | null;
  moveDisplayPath: string | null;
  /** Content before this hunk; null when an Add creates the file. */
  oldContent: string | null;
  /** Permission bits of the file before this hunk, when it existed on disk. */
  oldMode: number | null;
  /** Content after this hunk; null for a Delete. */
  newContent: string | null;
}

/** The end state of one real file once the whole patch is applied. */
export interface FileOutcome {
  /** Real path (symlinks resolved): what is written, and what root checks look at. */
  realPath: string;
  /** On disk before the patch; null when absent. */
  before: string | null;
  /** Permission bits of the existing file, kept for its replacement. */
  mode: number | null;
  /** How the existing file looked when read, so a commit can tell it is still the same file. */
  identity: FileIdentity | null;
  /** After the patch; null when deleted. */
  after: string | null;
}

/** lstat fields that change when a file is replaced or written. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface PatchPlan {
  cwd: string;
  /** The patch text without any heredoc wrapper. */
  patch: string;
  changes: PlannedChange[];
  /** One entry per real file touched, in first-touch order. */
  files: FileOutcome[];
}

/** Parses and plans `patchText`; throws ApplyPatchError (code "parse" for malformed text). */
export async function planPatch(patchText: string, options: PlanOptions): Promise<PatchPlan> {
  let parsed: ParsedPatch;
  try {
    parsed = parsePatch(patchText);
  } catch (error) {
    if (error instanceof PatchParseError) throw new ApplyPatchError("parse", error.message);
    throw error;
  }
  return planParsedPatch(parsed, options);
}

export async function planParsedPatch(parsed: ParsedPatch, options: PlanOptions): Promise<PatchPlan> {
  if (parsed.hunks.length === 0) throw new ApplyPatchError("empty-patch", "No files were modified.");
  const cwd = path.resolve(options.cwd);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files = new FileOverlay(maxBytes);
  const changes: PlannedChange[] = [];
  // Resolve and read every file the patch names at once (the checks below still run, and fail,
  // in patch order); sequential round trips to the threadpool would dominate a large patch.
  const realPaths = new Map<string, Promise<string>>();
  const realTargetPathOnce = (abs: string, followLeaf: boolean): Promise<string> => {
    const key = `${followLeaf ? "f" : "n"}${abs}`;
    let found = realPaths.get(key);
    if (found === undefined) {
      // e.g. EACCES on a directory on the way: the model is told, the turn goes on.
      found = realTargetPath(abs, followLeaf).catch((error: unknown) =>
        Promise.reject(new ApplyPatchError("io", `Failed to resolve ${abs}: ${describeOsError(error)}`)),
      );
      found.catch(() => undefined);
      realPaths.set(key, found);
    }
    return found;
  };
  for (const hunk of parsed.hunks) {
    const abs = path.resolve(cwd, hunk.path);
    void realTargetPathOnce(abs, hunk.type !== "delete").then((real) => files.prefetch(real), () => undefined);
    if (hunk.type === "update" && hunk.movePath !== null) {
      void realTargetPathOnce(path.resolve(cwd, hunk.movePath), true).then((real) => files.prefetch(real), () => undefined);
    }
  }

  for (const hunk of parsed.hunks) {
    const abs = path.resolve(cwd, hunk.path);
    if (hunk.type === "add") {
      const real = await realTargetPathOnce(abs, true);
      const current = await files.read(real, abs, { mustExist: false, forWrite: true });
      checkSize(hunk.contents, abs, maxBytes);
      files.write(real, hunk.contents);
      changes.push({ ...change("add", abs, hunk.path, current, hunk.contents), oldMode: files.modeOf(real) });
    } else if (hunk.type === "delete") {
      const real = await realTargetPathOnce(abs, false);
      const current = await files.read(real, abs, { mustExist: true, forWrite: false, deleting: true });
      files.write(real, null);
      changes.push({ ...change("delete", abs, hunk.path, current, null), oldMode: files.modeOf(real) });
    } else {
      const real = await realTargetPathOnce(abs, true);
      // Moving a link would delete the file it points to and leave the link dangling.
      if (hunk.movePath !== null && (await realTargetPathOnce(abs, false)) !== real) {
        throw new ApplyPatchError("symlink", `Refusing to move ${abs}: it is a symbolic link`);
      }
      const current = await files.read(real, abs, { mustExist: true, forWrite: true });
      let next: string;
      try {
        next = applyChunks(current ?? "", hunk.chunks, abs);
      } catch (error) {
        if (error instanceof ContextMismatchError) throw new ApplyPatchError("context-mismatch", error.message);
        throw error;
      }
      checkSize(next, abs, maxBytes);
      const planned = { ...change("update", abs, hunk.path, current, next), oldMode: files.modeOf(real) };
      if (hunk.movePath === null) {
        files.write(real, next);
      } else {
        const destAbs = path.resolve(cwd, hunk.movePath);
        const destReal = await realTargetPathOnce(destAbs, true);
        if (destReal !== real) {
          const existing = await files.read(destReal, destAbs, { mustExist: false, forWrite: true });
          if (existing !== null) {
            throw new ApplyPatchError("move-destination-exists", `Refusing to move ${abs} to ${destAbs}: the destination already exists`);
          }
          files.write(real, null);
        }
        files.write(destReal, next);
        planned.movePath = destAbs;
        planned.moveDisplayPath = hunk.movePath;
      }
      changes.push(planned);
    }
  }
  return { cwd, patch: parsed.patch, changes, files: files.outcomes() };
}

function change(kind: PlannedChange["kind"], abs: string, display: string, oldContent: string | null, newContent: string | null): PlannedChange {
  return { kind, path: abs, displayPath: display, movePath: null, moveDisplayPath: null, oldContent, oldMode: null, newContent };
}

function checkSize(content: string, abs: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(content);
  if (bytes > maxBytes) throw new ApplyPatchError("too-large", `Refusing to write ${abs}: ${bytes} bytes is over the ${maxBytes}-byte limit`);
}

interface ReadRequirements {
  mustExist: boolean;
  forWrite: boolean;
  deleting?: boolean;
}

// What is on disk at a real path, read once; requirement checks come later, per hunk.
type RawFile =
  | { state: "absent" }
  | { state: "file"; bytes: Buffer; mode: number; identity: FileIdentity }
  | { state: "symlink" | "not-a-file" }
  | { state: "too-large"; size: number }
  | { state: "io-error"; error: unknown };

async function readRaw(real: string, maxBytes: number): Promise<RawFile> {
  try {
    const stats = await lstat(real, { bigint: true });
    if (stats.isSymbolicLink()) return { state: "symlink" };
    if (!stats.isFile()) return { state: "not-a-file" };
    if (stats.size > BigInt(maxBytes)) return { state: "too-large", size: Number(stats.size) };
    const bytes = await readFile(real);
    // A file written between the lstat and the read would leave a stale identity: refuse to
    // plan on it rather than let the commit mistake new content for the planned one.
    if (BigInt(bytes.length) !== stats.size) return { state: "io-error", error: Object.assign(new Error("changed while read"), { code: "EAGAIN" }) };
    return { state: "file", bytes, mode: Number(stats.mode) & 0o7777, identity: fileIdentity(stats) };
  } catch (error) {
    return isNotFound(error) ? { state: "absent" } : { state: "io-error", error };
  }
}

// The files as the patch sees them hunk after hunk: disk content on first touch, then whatever
// earlier hunks left, so two hunks on one file compose as they would applied one by one.
class FileOverlay {
  private readonly entries = new Map<string, FileOutcome>();
  private readonly raw = new Map<string, Promise<RawFile>>();

  constructor(private readonly maxBytes: number) {}

  /** Starts reading `real` from disk if nothing has yet. */
  prefetch(real: string): Promise<RawFile> {
    let found = this.raw.get(real);
    if (found === undefined) {
      found = readRaw(real, this.maxBytes);
      this.raw.set(real, found);
    }
    return found;
  }

  async read(real: string, abs: string, req: ReadRequirements): Promise<string | null> {
    let entry = this.entries.get(real);
    if (entry === undefined) {
      entry = this.interpret(real, abs, req, await this.prefetch(real));
      this.entries.set(real, entry);
    }
    if (entry.after === null && req.mustExist) throw missing(abs, req);
    return entry.after;
  }

  modeOf(real: string): number | null {
    return this.entries.get(real)?.mode ?? null;
  }

  write(real: string, content: string | null): void {
    const entry = this.entries.get(real);
    if (entry === undefined) throw new Error(`internal: ${real} written before it was read`);
    entry.after = content;
  }

  outcomes(): FileOutcome[] {
    return [...this.entries.values()];
  }

  private interpret(real: string, abs: string, req: ReadRequirements, raw: RawFile): FileOutcome {
    switch (raw.state) {
      case "absent":
        if (req.mustExist) throw missing(abs, req);
        return { realPath: real, before: null, mode: null, identity: null, after: null };
      case "symlink":
        // Only reached for a link we must not follow (Delete) or a dangling one.
        throw new ApplyPatchError("symlink", `Refusing to ${req.deleting ? "delete" : "write through"} ${abs}: it is a symbolic link`);
      case "not-a-file":
        throw new ApplyPatchError("not-a-file", `Refusing to patch ${abs}: not a regular file`);
      case "too-large":
        throw new ApplyPatchError("too-large", `Refusing to patch ${abs}: ${raw.size} bytes is over the ${this.maxBytes}-byte limit`);
      case "io-error":
        throw new ApplyPatchError("io", `Failed to read ${abs}: ${describeOsError(raw.error)}`);
      case "file": {
        const content = decodeText(raw.bytes, abs);
        return { realPath: real, before: content, mode: raw.mode, identity: raw.identity, after: content };
      }
    }
  }
}

export function fileIdentity(stats: BigIntStats): FileIdentity {
  return { dev: Number(stats.dev), ino: Number(stats.ino), size: Number(stats.size), mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs };
}

function missing(abs: string, req: ReadRequirements): ApplyPatchError {
  const what = req.deleting && !req.forWrite ? `Failed to read ${abs}` : `Failed to read file to update ${abs}`;
  return new ApplyPatchError("missing-file", `${what}: No such file or directory (os error 2)`);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeText(bytes: Buffer, abs: string): string {
  if (bytes.includes(0)) throw new ApplyPatchError("binary", `Refusing to patch ${abs}: binary file (contains a NUL byte)`);
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ApplyPatchError("binary", `Refusing to patch ${abs}: not valid UTF-8 text`);
  }
}
