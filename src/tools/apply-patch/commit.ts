// Writes a plan to disk so that all of its files change or none do. New contents are first
// staged in temp files beside their targets (same directory, so the final rename is atomic and
// never crosses a filesystem); only when every stage succeeded are they renamed into place and
// deletions done. If any step fails, what was already changed is put back from the contents the
// plan holds in memory, and directories the commit created are removed.

import { randomBytes } from "node:crypto";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { ApplyPatchError, describeOsError } from "./errors.js";
import type { FileOutcome, PatchPlan } from "./plan.js";
import { isNotFound, isWritableUnder, realTargetPath, resolveRoots } from "./target-paths.js";

/** The filesystem calls a commit makes; tests substitute one that fails on cue. */
export interface CommitFs {
  readFile(file: string): Promise<Buffer>;
  lstat(file: string): Promise<{ isFile(): boolean; isSymbolicLink(): boolean }>;
  /** Like fs.mkdir(dir, { recursive: true }): resolves to the first directory created, if any. */
  mkdirp(dir: string): Promise<string | undefined>;
  /** Creates `file` exclusively (it must not exist) with `content`. */
  writeNew(file: string, content: string, mode: number): Promise<void>;
  chmod(file: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
}

export const nodeCommitFs: CommitFs = {
  readFile: (file) => fsp.readFile(file),
  lstat: (file) => fsp.lstat(file),
  mkdirp: (dir) => fsp.mkdir(dir, { recursive: true }),
  writeNew: (file, content, mode) => fsp.writeFile(file, content, { flag: "wx", mode }),
  chmod: (file, mode) => fsp.chmod(file, mode),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  rmdir: (dir) => fsp.rmdir(dir),
};

export interface CommitOptions {
  /**
   * Where the patch may write: the sandbox policy's writable roots (checked on real paths; a
   * root's top-level `.git` stays read-only), or "anywhere" once the user approved the patch or
   * the policy is danger-full-access.
   */
  writableRoots: readonly string[] | "anywhere";
  fs?: CommitFs;
}

/**
 * Applies `plan` atomically. Throws ApplyPatchError, with nothing changed, when a target is
 * outside the writable roots, a file changed since the plan was made, or the filesystem refuses
 * a write (code "io"; the message says if a rollback could not restore something).
 */
export async function commitPatch(plan: PatchPlan, options: CommitOptions): Promise<void> {
  const fs = options.fs ?? nodeCommitFs;
  const touched = plan.files.filter((f) => f.before !== f.after);
  await checkRoots(touched, options.writableRoots);
  await checkUnchanged(touched, fs);

  const staged = new Map<FileOutcome, string>();
  const createdDirs: string[] = [];
  const done: FileOutcome[] = [];
  let current = "";
  try {
    for (const file of touched) {
      if (file.after === null) continue;
      current = file.realPath;
      const dir = path.dirname(file.realPath);
      const created = await fs.mkdirp(dir);
      if (created !== undefined) createdDirs.push(...dirsBetween(created, dir));
      staged.set(file, await stage(fs, file.realPath, file.after, file.mode));
    }
    for (const file of touched) {
      current = file.realPath;
      const temp = staged.get(file);
      if (temp === undefined) {
        await fs.unlink(file.realPath);
      } else {
        await fs.rename(temp, file.realPath);
        staged.delete(file);
      }
      done.push(file);
    }
  } catch (error) {
    const unrestored = await rollBack(fs, staged, done, createdDirs);
    const cause = error instanceof ApplyPatchError ? error.message : describeOsError(error);
    const outcome = unrestored.length === 0 ? "No file was changed." : `These files could not be restored: ${unrestored.join(", ")}`;
    throw new ApplyPatchError("io", `Failed to write ${current}: ${cause}. ${outcome}`);
  }
}

async function checkRoots(files: readonly FileOutcome[], writableRoots: CommitOptions["writableRoots"]): Promise<void> {
  if (writableRoots === "anywhere") return;
  const roots = await resolveRoots(writableRoots);
  for (const file of files) {
    if (!isWritableUnder(file.realPath, roots)) {
      throw new ApplyPatchError("outside-writable-roots", `Refusing to write ${file.realPath}: it is outside the writable roots`);
    }
  }
}

// Between planning and committing (an approval can take minutes) a file may have been edited,
// or a directory on its path swapped for a symlink; applying the plan then would clobber the
// edit or write somewhere unchecked.
async function checkUnchanged(files: readonly FileOutcome[], fs: CommitFs): Promise<void> {
  for (const file of files) {
    const changed = () => new ApplyPatchError("changed-since-planned", `${file.realPath} changed after the patch was checked; nothing was applied`);
    if ((await realTargetPath(file.realPath, false)) !== file.realPath) throw changed();
    let current: Buffer | null;
    try {
      const stats = await fs.lstat(file.realPath);
      if (!stats.isFile()) throw changed();
      current = await fs.readFile(file.realPath);
    } catch (error) {
      if (error instanceof ApplyPatchError) throw error;
      if (!isNotFound(error)) throw new ApplyPatchError("io", `Failed to read ${file.realPath}: ${describeOsError(error)}`);
      current = null;
    }
    const same = file.before === null ? current === null : current !== null && current.equals(Buffer.from(file.before));
    if (!same) throw changed();
  }
}

async function stage(fs: CommitFs, target: string, content: string, mode: number | null): Promise<string> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.apply-patch.tmp`);
  await fs.writeNew(temp, content, mode ?? 0o666);
  // The create mode passes through the umask; an existing file keeps its exact bits.
  if (mode !== null) await fs.chmod(temp, mode);
  return temp;
}

/** Undoes `done` (newest first) and removes leftovers; returns the paths it could not restore. */
async function rollBack(fs: CommitFs, staged: Map<FileOutcome, string>, done: readonly FileOutcome[], createdDirs: readonly string[]): Promise<string[]> {
  for (const temp of staged.values()) await fs.unlink(temp).catch(() => undefined);
  const unrestored: string[] = [];
  for (const file of [...done].reverse()) {
    try {
      if (file.before === null) {
        await fs.unlink(file.realPath);
      } else {
        const temp = await stage(fs, file.realPath, file.before, file.mode);
        await fs.rename(temp, file.realPath).catch(async (error: unknown) => {
          await fs.unlink(temp).catch(() => undefined);
          throw error;
        });
      }
    } catch {
      unrestored.push(file.realPath);
    }
  }
  // Deepest first; a directory something else has since written into stays.
  for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) await fs.rmdir(dir).catch(() => undefined);
  return unrestored;
}

/** `top` and each directory below it down to `bottom` (mkdir -p created all of them). */
function dirsBetween(top: string, bottom: string): string[] {
  const dirs: string[] = [];
  for (let d = bottom; d.length >= top.length; d = path.dirname(d)) {
    dirs.push(d);
    if (d === top || path.dirname(d) === d) break;
  }
  return dirs;
}
