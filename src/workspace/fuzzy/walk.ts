// Lists a folder tree the way git would show it: .gitignore and .ignore files at every level are
// honoured (a deeper file overrides a shallower one, `!` re-includes), `.git` is skipped, and
// symbolic links are listed but never followed (no cycles, no escaping the root). The walk is
// asynchronous, a few directories at a time, so the event loop stays free for other requests.
import { readdir, type Dirent } from "node:fs";
import * as fsp from "node:fs/promises";
import ignore, { type Ignore } from "ignore";

export interface WalkEntry {
  /** Relative to the root, "/"-separated. */
  readonly path: string;
  readonly isDirectory: boolean;
}

export interface WalkOptions {
  /** Called with each directory's entries as they are found. */
  onEntries: (entries: WalkEntry[]) => void;
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
const PARALLEL_DIRECTORIES = 8;

/** The ignore rules of one folder; `base` is that folder relative to the root ("" or "a/b/"). */
interface Rules {
  readonly base: string;
  readonly patterns: string;
}

interface PendingDir {
  readonly rel: string;
  readonly rules: readonly Rules[];
}

export async function walkTree(root: string, options: WalkOptions): Promise<WalkOutcome> {
  const queue: PendingDir[] = [{ rel: "", rules: [] }];
  let reported = 0;
  let truncated = false;
  const visit = async (dir: PendingDir): Promise<void> => {
    // Unreadable or vanished meanwhile: its entries are simply not listed.
    const dirents = await listDir(root + "/" + dir.rel);
    const rules = await rulesFor(root, dir, dirents);
    // Compiled afresh for each folder: an Ignore caches every path it was asked about, and one
    // shared by a whole tree grows a 100,000-key cache that costs more than compiling a few patterns.
    const matchers = rules.map((r) => ({ base: r.base, rules: ignore({ allowRelativePaths: true }).add(r.patterns) }));
    const found: WalkEntry[] = [];
    for (const d of dirents) {
      if (d.name === ".git") continue;
      const isDirectory = d.isDirectory();
      const path = dir.rel + d.name;
      if (isIgnored(matchers, path, isDirectory)) continue;
      found.push({ path, isDirectory });
      if (isDirectory) queue.push({ rel: path + "/", rules });
    }
    if (truncated) return;
    const room = options.maxEntries - reported;
    if (found.length > room) {
      truncated = true;
      found.length = room;
    }
    reported += found.length;
    if (found.length > 0) options.onEntries(found);
  };
  const running = new Set<Promise<void>>();
  while ((queue.length > 0 || running.size > 0) && !truncated) {
    if (options.signal?.aborted) break;
    while (queue.length > 0 && running.size < PARALLEL_DIRECTORIES) {
      const job = visit(queue.shift()!).finally(() => running.delete(job));
      running.add(job);
    }
    if (running.size > 0) await Promise.race(running);
  }
  await Promise.all(running);
  return { entries: reported, truncated };
}

/** The callback form: about 3× cheaper per directory than fs/promises' readdir here. */
function listDir(path: string): Promise<Dirent[]> {
  return new Promise((resolve) => readdir(path, { withFileTypes: true }, (error, dirents) => resolve(error ? [] : dirents)));
}

async function rulesFor(root: string, dir: PendingDir, dirents: readonly Dirent[]): Promise<readonly Rules[]> {
  const files = dirents.filter((d) => IGNORE_FILES.includes(d.name) && !d.isDirectory());
  if (files.length === 0) return dir.rules;
  let patterns = "";
  // .ignore is read after .gitignore so that it wins, as ripgrep and the ignore crate do.
  for (const name of IGNORE_FILES) {
    if (!files.some((f) => f.name === name)) continue;
    try {
      patterns += (await fsp.readFile(root + "/" + dir.rel + name, "utf8")) + "\n";
    } catch {
      // unreadable ignore file: no rules from it
    }
  }
  return [...dir.rules, { base: dir.rel, patterns }];
}

/** The deepest folder whose rules say anything about the path decides. */
function isIgnored(rules: readonly { base: string; rules: Ignore }[], path: string, isDirectory: boolean): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    const verdict = r.rules.test(path.slice(r.base.length) + (isDirectory ? "/" : ""));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}
