// Lists a folder tree the way git would show it: .gitignore and .ignore files at every level are
// honoured (a deeper file overrides a shallower one, `!` re-includes), `.git` is skipped, and
// symbolic links are listed but never followed (no cycles, no escaping the root). Folders are read
// with the callback readdir, CONCURRENCY at a time: the listing runs on libuv's threads while this
// thread handles the folders already read and matches their entries (a search follows the walk),
// and the event loop is free between folders, so a session's first results and other requests
// are not held behind the walk. (Reading synchronously in time slices took as long in all, but
// held the loop 8 ms at a time.)
import { readdir, readFileSync, type Dirent } from "node:fs";
import ignore, { type Ignore } from "ignore";

export interface WalkOptions {
  /**
   * Called with each directory's entries as they are found: paths relative to the root,
   * "/"-separated, and whether each is a folder (plain arrays, no object per entry: less GC).
   */
  onEntries: (paths: string[], isDirectory: boolean[]) => void;
  signal?: AbortSignal;
  /** Stop once this many entries were reported (the index stays bounded on a huge tree). */
  maxEntries: number;
}

export interface WalkOutcome {
  entries: number;
  /** True when maxEntries stopped the walk early. */
  truncated: boolean;
}

const IGNORE_FILES = [".gitignore", ".ignore"];
/**
 * Folders being read at once: libuv's 4 threads (8 was slower on 2 cores, the threads crowding
 * out this one); other file work (rollout writes) waits at most one short listing per thread.
 */
const CONCURRENCY = 4;

/** The ignore rules of one folder; `base` is that folder relative to the root ("" or "a/b/"). */
interface Rules {
  readonly base: string;
  readonly patterns: string;
  /** Set when every pattern is a plain name, path or `*.ext` without `!`: tested here, no `ignore` call. */
  readonly simple?: readonly SimpleRule[];
}

/** A pattern decided by string comparison (lower-cased: `ignore` is case-insensitive by default). */
interface SimpleRule {
  readonly text: string;
  readonly kind: "name" | "path" | "suffix";
  readonly directoryOnly: boolean;
}

interface PendingDir {
  readonly rel: string;
  readonly rules: readonly Rules[];
}

export function walkTree(root: string, options: WalkOptions): Promise<WalkOutcome> {
  const queue: PendingDir[] = [{ rel: "", rules: [] }];
  let reported = 0;
  let truncated = false;
  const visit = (dir: PendingDir, dirents: readonly Dirent[]): void => {
    const rules = rulesFor(root, dir, dirents);
    // Only the rule sets `ignore` must decide are compiled, afresh for each folder: an Ignore
    // caches every path it was asked about, and one shared by a whole tree grows a 100,000-key
    // cache that costs more than compiling a few patterns.
    const matchers = rules.map((r) => (r.simple ? r : { ...r, compiled: ignore({ allowRelativePaths: true }).add(r.patterns) }));
    const paths: string[] = [];
    const isDirectory: boolean[] = [];
    for (const d of dirents) {
      if (d.name === ".git") continue;
      const folder = d.isDirectory();
      const path = dir.rel + d.name;
      if (matchers.length > 0 && isIgnored(matchers, path, d.name, folder)) continue;
      paths.push(path);
      isDirectory.push(folder);
      if (folder) queue.push({ rel: path + "/", rules });
    }
    const room = options.maxEntries - reported;
    if (paths.length > room) {
      truncated = true;
      paths.length = room;
      isDirectory.length = room;
    }
    reported += paths.length;
    if (paths.length > 0) options.onEntries(paths, isDirectory);
  };
  return new Promise((resolve) => {
    // Roughly breadth first, as a picker wants shallow paths early; `next` instead of shift().
    let next = 0;
    let inFlight = 0;
    let finished = false;
    const stopped = () => truncated || options.signal?.aborted === true;
    const finish = () => {
      finished = true;
      resolve({ entries: reported, truncated });
    };
    const pump = (): void => {
      while (!stopped() && inFlight < CONCURRENCY && next < queue.length) {
        const dir = queue[next++]!;
        inFlight++;
        readdir(root + "/" + dir.rel, { withFileTypes: true }, (error, dirents) => {
          inFlight--;
          if (finished) return;
          // Unreadable or vanished meanwhile: its entries are simply not listed.
          if (!stopped()) visit(dir, error ? [] : dirents);
          if (inFlight === 0 && (stopped() || next === queue.length)) finish();
          else pump();
        });
      }
    };
    pump();
    if (inFlight === 0) finish();
  });
}

function rulesFor(root: string, dir: PendingDir, dirents: readonly Dirent[]): readonly Rules[] {
  const files = dirents.filter((d) => IGNORE_FILES.includes(d.name) && !d.isDirectory());
  if (files.length === 0) return dir.rules;
  let patterns = "";
  // .ignore is read after .gitignore so that it wins, as ripgrep and the ignore crate do.
  for (const name of IGNORE_FILES) {
    if (!files.some((f) => f.name === name)) continue;
    try {
      patterns += readFileSync(root + "/" + dir.rel + name, "utf8") + "\n";
    } catch {
      // unreadable ignore file: no rules from it
    }
  }
  return [...dir.rules, { base: dir.rel, patterns, simple: simpleRules(patterns) }];
}

const PLAIN = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const SUFFIX = /^\*(\.[A-Za-z0-9_.-]+)$/;

/** The patterns as SimpleRules, or undefined when any needs `ignore` (globs, `!`, escapes...). */
function simpleRules(patterns: string): SimpleRule[] | undefined {
  const out: SimpleRule[] = [];
  for (const raw of patterns.split(/\r?\n/)) {
    if (raw === "" || raw.startsWith("#")) continue;
    let line = raw;
    const directoryOnly = line.endsWith("/");
    if (directoryOnly) line = line.slice(0, -1);
    const anchored = line.startsWith("/");
    if (anchored) line = line.slice(1);
    const suffix = SUFFIX.exec(line);
    if (suffix && !anchored) {
      out.push({ text: suffix[1]!.toLowerCase(), kind: "suffix", directoryOnly });
      continue;
    }
    if (!PLAIN.test(line) || line.split("/").some((part) => part === "." || part === "..")) return undefined;
    // A slash before the end anchors the pattern to its folder, as a leading one does.
    out.push({ text: line.toLowerCase(), kind: anchored || line.includes("/") ? "path" : "name", directoryOnly });
  }
  return out;
}

/** The deepest folder whose rules say anything about the path decides. */
function isIgnored(rules: readonly (Rules & { compiled?: Ignore })[], path: string, name: string, isDirectory: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.simple) {
      // No `!` in the set: a match ignores, no match leaves it to shallower rules.
      if (matchesSimple(r.simple, r.base, path, name, isDirectory)) return true;
      continue;
    }
    const verdict = r.compiled!.test(path.slice(r.base.length) + (isDirectory ? "/" : ""));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function matchesSimple(rules: readonly SimpleRule[], base: string, path: string, name: string, isDirectory: boolean): boolean {
  let lowerName: string | undefined;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    lowerName ??= name.toLowerCase();
    if (rule.kind === "name" ? lowerName === rule.text : rule.kind === "suffix" ? lowerName.endsWith(rule.text) : path.slice(base.length).toLowerCase() === rule.text) return true;
  }
  return false;
}
