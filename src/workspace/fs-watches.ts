// fs/watch for one connection: each watch is one non-recursive OS watch (inotify on Linux), as in
// codex 0.169: a directory reports changes to its direct entries, a file changes to itself. A
// file is watched through its parent directory, so a file that does not exist yet, or one an
// editor replaces by rename, is still seen. Changes are debounced into one fs/changed per burst.
// One OS watch per fs/watch keeps a watch on a huge tree as cheap as on an empty one; the count
// of watches per connection is capped.
import { existsSync, watch, type FSWatcher } from "node:fs";
import * as fsp from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Quiet time after the last change before fs/changed is sent. */
export const FS_CHANGED_DEBOUNCE_MS = 100;
/** A burst that never goes quiet is still reported this often. */
const MAX_DELAY_MS = 1_000;
/** Distinct paths held for one notification; past this the watched path stands for them all. */
const MAX_PATHS_PER_NOTIFICATION = 1_000;
/** Watches one connection may hold. */
export const MAX_WATCHES_PER_CONNECTION = 1_024;

export class WatchError extends Error {
  constructor(
    message: string,
    /** errno-style code when the OS refused (ENOENT, EACCES, ENOSPC...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Watch {
  watcher: FSWatcher;
  /** The canonical watched path: reported for a burst too large to list. */
  target: string;
  pending: Set<string>;
  overflow: boolean;
  quiet?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
}

export class FsWatches {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(private readonly notify: (watchId: string, changedPaths: string[]) => void) {}

  /** Starts watching absolute `path`; resolves to its canonical form. */
  async watch(watchId: string, path: string): Promise<string> {
    this.checkRoom(watchId);
    const target = await canonical(path);
    const isDirectory = await fsp
      .stat(target)
      .then((s) => s.isDirectory())
      .catch(() => false);
    // A file (or a name not there yet) is watched through its directory, filtered by name.
    const watched = isDirectory ? target : dirname(target);
    const name = isDirectory ? undefined : basename(target);
    // Other requests may have taken the id, or the last places, while we resolved the path.
    if (this.closed) throw new WatchError("connection closed");
    this.checkRoom(watchId);
    let watcher: FSWatcher;
    try {
      watcher = watch(watched, { persistent: false }, (_event, filename) => {
        const entry = filename === null ? undefined : String(filename);
        if (name !== undefined) {
          if (entry === name) this.changed(watchId, target);
          return;
        }
        // The folder itself removed or renamed: inotify names it by its own basename.
        const self = entry === undefined || (entry === basename(target) && !existsSync(join(target, entry)));
        this.changed(watchId, self ? target : join(target, entry));
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new WatchError(`cannot watch ${path}: ${code === "ENOENT" ? "no such file or directory" : code === "ENOSPC" ? "the system's limit on watches is reached" : "watch failed"}`, code);
    }
    // The directory went away (or the OS dropped the watch): report it, then stop.
    watcher.on("error", () => {
      this.changed(watchId, target);
      this.flush(watchId);
      this.unwatch(watchId);
    });
    this.watches.set(watchId, { watcher, target, pending: new Set(), overflow: false });
    return target;
  }

  private checkRoom(watchId: string): void {
    if (this.watches.has(watchId)) throw new WatchError(`watchId already exists: ${watchId}`);
    if (this.watches.size >= MAX_WATCHES_PER_CONNECTION) {
      throw new WatchError(`too many watches: a connection may hold ${MAX_WATCHES_PER_CONNECTION}; unwatch some first`);
    }
  }

  /** Stops a watch; an unknown id is not an error (the reference answers {} too). */
  unwatch(watchId: string): void {
    const w = this.watches.get(watchId);
    if (!w) return;
    this.watches.delete(watchId);
    clearTimeout(w.quiet);
    clearTimeout(w.deadline);
    w.watcher.close();
  }

  /** The connection is gone: every watch stops, nothing more is sent. */
  closeAll(): void {
    this.closed = true;
    for (const id of [...this.watches.keys()]) this.unwatch(id);
  }

  get size(): number {
    return this.watches.size;
  }

  private changed(watchId: string, path: string): void {
    const w = this.watches.get(watchId);
    if (!w) return;
    if (w.pending.size < MAX_PATHS_PER_NOTIFICATION) w.pending.add(path);
    else w.overflow = true;
    clearTimeout(w.quiet);
    w.quiet = setTimeout(() => this.flush(watchId), FS_CHANGED_DEBOUNCE_MS);
    w.deadline ??= setTimeout(() => this.flush(watchId), MAX_DELAY_MS);
  }

  private flush(watchId: string): void {
    const w = this.watches.get(watchId);
    if (!w) return;
    clearTimeout(w.quiet);
    clearTimeout(w.deadline);
    w.quiet = undefined;
    w.deadline = undefined;
    if (w.pending.size === 0) return;
    if (w.overflow) w.pending.add(w.target);
    const paths = [...w.pending].sort();
    w.pending.clear();
    w.overflow = false;
    this.notify(watchId, paths);
  }
}

/** `path` with symlinks and `..` resolved; for a name that does not exist yet, its parent's. */
async function canonical(path: string): Promise<string> {
  try {
    return await fsp.realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw osError(path, error);
  }
  try {
    return join(await fsp.realpath(dirname(path)), basename(path));
  } catch (error) {
    throw osError(path, error);
  }
}

function osError(path: string, error: unknown): WatchError {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : code === "ENOTDIR" ? "not a directory" : "cannot be resolved";
  return new WatchError(`fs/watch ${path}: ${cause}${code ? ` (${code})` : ""}`, code);
}
