// Fuzzy matching of a query against many paths, ranked as fzf's v1 algorithm ranks them. The
// paths are kept as the strings the walk produced (no per-path arrays: on 100,000 paths those cost
// more to build and collect than the matching); ASCII paths are scored from the string
// (ascii-v1-score.ts), others by the fzf package on their code points. Only the best `limit` are
// kept while scanning, and the package itself gives those their score and matched positions, so
// what a client sees is fzf's own answer.
//
// A scan yields to the event loop every SLICE_MS, so a search over a large tree never holds the
// loop for long and can be abandoned. A keystroke usually extends the previous query, and a path
// matching the longer query matched the shorter one too: only the previous query's matches are
// scanned again (plus anything added since).
import { Fzf } from "fzf";
import { asciiV1Score, isAscii, NO_MATCH } from "./ascii-v1-score.js";

export interface PathMatch {
  /** Index of the path in the order it was added. */
  readonly index: number;
  readonly score: number;
  /** Matched character positions in the path, ascending. */
  readonly positions: number[];
}

/** How long a scan holds the event loop at a time. */
const SLICE_MS = 8;
/** Paths scanned between two looks at the clock. */
const CLOCK_EVERY = 2048;

type AlgoFn = (
  caseSensitive: boolean,
  normalize: boolean,
  forward: boolean,
  text: number[],
  pattern: number[],
  withPos: boolean,
  slab: null,
) => [{ start: number; end: number; score: number }, Set<number> | null];

/** fzf's v1 algorithm, taken from a finder: the package does not export it. */
const fzfV1 = (new Fzf<readonly string[]>([], { fuzzy: "v1" }) as unknown as { finder: { algoFn: AlgoFn } }).finder.algoFn;

/** A list of paths still being filled (a walk under way). */
export interface GrowingList {
  readonly complete: boolean;
  /** Settles when more paths were added or the list is complete. */
  grown(): Promise<void>;
}

/** One query as the scorers take it. */
interface Query {
  readonly text: string;
  /** fzf's smart case: a query with an upper-case letter matches case-sensitively. */
  readonly caseSensitive: boolean;
  /** Its code points, for the fzf package. */
  readonly runes: number[];
}

/** The paths a finished scan matched, reused when the next query extends this one. */
interface Hits {
  readonly query: string;
  readonly indexes: Int32Array;
  /** Paths [0, scanned) were scanned; later ones were added after. */
  readonly scanned: number;
}

export class PathMatcher {
  private readonly paths: string[] = [];
  /** Indexes of the paths that are not pure ASCII (scored by the package). */
  private readonly nonAscii = new Set<number>();
  private lastHits: Hits | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.paths.length;
  }

  path(index: number): string {
    return this.paths[index]!;
  }

  add(path: string): void {
    if (!isAscii(path)) this.nonAscii.add(this.paths.length);
    this.paths.push(path);
  }

  /**
   * The best `limit` matches, best first (ties: shorter path, then alphabetical). With `follow`,
   * paths added meanwhile are matched too until it is complete. Resolves with what was found so
   * far if `signal` aborts mid-way.
   */
  async match(text: string, signal?: AbortSignal, follow?: GrowingList): Promise<PathMatch[]> {
    if (text.length === 0) return [];
    const query: Query = { text, caseSensitive: text.toLowerCase() !== text, runes: Array.from(text, (c) => c.codePointAt(0)!) };
    const previous = this.lastHits && text.startsWith(this.lastHits.query) ? this.lastHits : undefined;
    const best = new Best(this.limit, this.paths);
    const hits = new HitList();
    const scan = new Scan(signal);
    let from = 0;
    if (previous) {
      const old = previous.indexes;
      for (let k = 0; k < old.length && !scan.aborted; k++) {
        this.offer(old[k]!, query, hits, best);
        if ((k & (CLOCK_EVERY - 1)) === CLOCK_EVERY - 1) await scan.pause();
      }
      from = previous.scanned;
    }
    while (!scan.aborted) {
      const end = this.paths.length;
      for (let i = from; i < end && !scan.aborted; i++) {
        this.offer(i, query, hits, best);
        if ((i & (CLOCK_EVERY - 1)) === CLOCK_EVERY - 1) await scan.pause();
      }
      from = end;
      if (scan.aborted || !follow || (follow.complete && this.paths.length === from)) break;
      if (this.paths.length === from && !(await grownOrAborted(follow, signal))) scan.aborted = true;
    }
    if (!scan.aborted) this.lastHits = { query: text, indexes: hits.toArray(), scanned: from };
    return best.sorted().map((i) => this.positioned(i, query));
  }

  /** Scores path `i` and, when it matches, records it. */
  private offer(i: number, query: Query, hits: HitList, best: Best): void {
    const score = this.score(i, query);
    if (score === NO_MATCH) return;
    hits.push(i);
    best.offer(i, score);
  }

  private score(i: number, query: Query): number {
    if (!this.nonAscii.has(i)) return asciiV1Score(this.paths[i]!, query.text, query.caseSensitive);
    const [m] = fzfV1(query.caseSensitive, false, true, toRunes(this.paths[i]!), query.runes, false, null);
    return m.start < 0 ? NO_MATCH : m.score;
  }

  /** The package's own score and positions for a path the scan kept. */
  private positioned(index: number, query: Query): PathMatch {
    const [m, positions] = fzfV1(query.caseSensitive, false, true, toRunes(this.paths[index]!), query.runes, true, null);
    return { index, score: m.score, positions: [...(positions ?? [])].sort((a, b) => a - b) };
  }
}

/** A scan's turns on the event loop: it pauses once it has held the loop for SLICE_MS. */
class Scan {
  aborted: boolean;
  private sliceStart = performance.now();

  constructor(private readonly signal?: AbortSignal) {
    this.aborted = signal?.aborted === true;
  }

  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
    this.aborted = this.signal?.aborted === true;
  }
}

/** Waits for `list` to grow (true) or `signal` to abort (false). */
function grownOrAborted(list: GrowingList, signal?: AbortSignal): Promise<boolean> {
  if (!signal) return list.grown().then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    void list.grown().then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    });
  });
}

/** The best few path indexes seen so far, best first, in a short sorted array. */
class Best {
  private readonly indexes: number[] = [];
  private readonly scores: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly paths: readonly string[],
  ) {}

  offer(index: number, score: number): void {
    const n = this.indexes.length;
    // Most paths lose to the last kept one on score alone: no string is touched for them.
    if (n === this.limit && (score < this.scores[n - 1]! || !this.before(index, score, n - 1))) return;
    // Insertion into a short sorted list: cheaper than a heap for a picker's 50.
    let at = n < this.limit ? n : n - 1;
    while (at > 0 && this.before(index, score, at - 1)) {
      this.indexes[at] = this.indexes[at - 1]!;
      this.scores[at] = this.scores[at - 1]!;
      at--;
    }
    this.indexes[at] = index;
    this.scores[at] = score;
  }

  sorted(): number[] {
    return this.indexes.slice();
  }

  /** Whether (index, score) ranks before the entry at `slot`: higher score, shorter, alphabetical. */
  private before(index: number, score: number, slot: number): boolean {
    const other = this.scores[slot]!;
    if (score !== other) return score > other;
    const a = this.paths[index]!;
    const b = this.paths[this.indexes[slot]!]!;
    if (a.length !== b.length) return a.length < b.length;
    return a < b;
  }
}

/** A growable list of path indexes. */
class HitList {
  private items = new Int32Array(1024);
  private length = 0;

  push(index: number): void {
    if (this.length === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.length++] = index;
  }

  toArray(): Int32Array {
    return this.items.slice(0, this.length);
  }
}

/** As fzf's finder converts its items (NFC, then code points), with a plain loop for ASCII. */
function toRunes(path: string): number[] {
  const out = new Array<number>(path.length);
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 128) return Array.from(path.normalize(), (ch) => ch.codePointAt(0)!);
    out[i] = c;
  }
  return out;
}
