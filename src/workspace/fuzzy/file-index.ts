// The searchable list of one root's files and folders, and the cache that lets consecutive
// keystrokes (and a search session) reuse it instead of walking the tree again.
import { walkTree, type WalkOutcome } from "./walk.js";
import { PathMatcher, type GrowingList, type PathMatch } from "./path-matcher.js";

/** Results a picker shows (the reference's MATCH_LIMIT). */
export const MATCH_LIMIT = 50;
/** Entries one root may hold: about 50 MB of index at most, however large the tree. */
export const MAX_INDEX_ENTRIES = 300_000;

export class FileIndex implements GrowingList {
  readonly matcher = new PathMatcher(MATCH_LIMIT);
  private readonly directories: boolean[] = [];
  readonly startedAt = Date.now();
  /** Settles when the walk has finished (or stopped at the entry cap). */
  readonly walked: Promise<WalkOutcome>;
  private done = false;
  private readonly abort = new AbortController();
  /** Matches following the walk, waiting for its next folder. */
  private waiting: (() => void)[] = [];

  constructor(readonly root: string) {
    this.walked = walkTree(root, {
      maxEntries: MAX_INDEX_ENTRIES,
      signal: this.abort.signal,
      onEntries: (paths, isDirectory) => {
        for (let i = 0; i < paths.length; i++) {
          this.matcher.add(paths[i]!);
          this.directories.push(isDirectory[i]!);
        }
        this.wake();
      },
    }).finally(() => {
      this.done = true;
      this.wake();
    });
  }

  get complete(): boolean {
    return this.done;
  }

  isDirectory(index: number): boolean {
    return this.directories[index] === true;
  }

  /** Settles when the walk adds entries or ends. */
  grown(): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * The best matches; with `follow`, of the whole tree: entries are matched as the walk finds them
   * and the answer comes once it ends. Without, of what was found so far.
   */
  match(query: string, signal?: AbortSignal, follow = true): Promise<PathMatch[]> {
    return this.matcher.match(query, signal, follow ? this : undefined);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  dispose(): void {
    this.abort.abort();
  }
}

/** An index younger than this is reused as is; an older one is still used, but rebuilt behind it. */
const FRESH_MS = 10_000;
/** An index nobody asked for in this long is dropped. */
const IDLE_MS = 60_000;
const MAX_ROOTS = 4;

interface Cached {
  index: FileIndex;
  /** A newer walk of the same root, replacing `index` once complete. */
  next?: FileIndex;
  usedAt: number;
}

/**
 * Indexes by root, reused across keystrokes. Files created or deleted show up at most one
 * rebuild later: an index older than FRESH_MS answers once more while a fresh walk runs.
 */
export class FileIndexCache {
  private readonly byRoot = new Map<string, Cached>();
  private sweeper: NodeJS.Timeout | undefined;

  get(root: string): FileIndex {
    const now = Date.now();
    let cached = this.byRoot.get(root);
    if (cached?.next?.complete) {
      cached.index.dispose();
      cached.index = cached.next;
      delete cached.next;
    }
    if (!cached) {
      cached = { index: new FileIndex(root), usedAt: now };
      this.byRoot.set(root, cached);
      this.evict();
    } else if (cached.index.complete && !cached.next && now - cached.index.startedAt > FRESH_MS) {
      cached.next = new FileIndex(root);
    }
    cached.usedAt = now;
    // Most recently used last, so eviction takes the first.
    this.byRoot.delete(root);
    this.byRoot.set(root, cached);
    this.sweepLater();
    return cached.index;
  }

  clear(): void {
    for (const c of this.byRoot.values()) {
      c.index.dispose();
      c.next?.dispose();
    }
    this.byRoot.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private evict(): void {
    while (this.byRoot.size > MAX_ROOTS) {
      const [root, oldest] = this.byRoot.entries().next().value as [string, Cached];
      oldest.index.dispose();
      oldest.next?.dispose();
      this.byRoot.delete(root);
    }
  }

  private sweepLater(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [root, c] of this.byRoot) {
        if (now - c.usedAt < IDLE_MS) continue;
        c.index.dispose();
        c.next?.dispose();
        this.byRoot.delete(root);
      }
      if (this.byRoot.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, IDLE_MS / 4);
    this.sweeper.unref();
  }
}
