// Fuzzy matching of a query against many paths with fzf (the JS port of fzf's algorithm). The
// paths are split into blocks, each built once and reused for every keystroke (code points are
// prepared here: fzf's finder copies each path twice to get them); a query is matched block by
// block, yielding to the event loop between blocks, so a search over 100,000 paths never holds
// the loop for more than a few milliseconds and can be abandoned.
//
// fzf's own `find` builds a result (with a position set) for every match and sorts them all; for
// a picker that shows 50, most of that work is thrown away. So each block is matched by `bestOf`,
// which scores every path with fzf's v1 algorithm without positions, keeps the best few, and asks
// the algorithm for the positions of those only.
import { Fzf, type FzfResultItem } from "fzf";

export interface PathMatch {
  /** Index of the path in the order it was added. */
  readonly index: number;
  readonly score: number;
  /** Matched character positions in the path, ascending. */
  readonly positions: number[];
}

const BLOCK_SIZE = 4096;

/** fzf's v2 algorithm needs scratch memory; one buffer serves every call (matching is synchronous). */
const scratch = { i16: new Int16Array(100 * 1024), i32: new Int32Array(2048) };

type Finder = { runesList: number[][]; algoFn: AlgoFn; items: readonly number[] };
type AlgoFn = (
  caseSensitive: boolean,
  normalize: boolean,
  forward: boolean,
  text: number[],
  pattern: number[],
  withPos: boolean,
  slab: typeof scratch | null,
) => [{ start: number; end: number; score: number }, Set<number> | null];

/** Per block: the last query and every path it matched. */
const lastMatches = new WeakMap<object, { query: string; hits: number[] }>();

/**
 * An fzf `match` option keeping the best `limit` paths of one block. A keystroke extends the
 * query, and a path matching the longer query (a subsequence, smart case) matched the shorter one
 * too, so only the previous query's matches are scored again.
 */
function bestOf(limit: number) {
  return function match(this: Finder, query: string): FzfResultItem<number>[] {
    // fzf's smart case: a query with an upper-case letter matches case-sensitively.
    const caseSensitive = query.toLowerCase() !== query;
    const pattern = Array.from(query, (c) => c.codePointAt(0)!);
    const kept: { i: number; score: number }[] = [];
    const runesList = this.runesList;
    const previous = lastMatches.get(this);
    const candidates = previous && query.startsWith(previous.query) ? previous.hits : undefined;
    const count = candidates ? candidates.length : runesList.length;
    const hits: number[] = [];
    for (let c = 0; c < count; c++) {
      const i = candidates ? candidates[c]! : c;
      const text = runesList[i]!;
      if (pattern.length > text.length) continue;
      const [m] = this.algoFn(caseSensitive, false, true, text, pattern, false, scratch);
      if (m.start < 0) continue;
      hits.push(i);
      if (kept.length === limit && m.score <= kept[limit - 1]!.score) continue;
      // Insertion into a short sorted list: cheaper than a heap for a picker's 50.
      let at = kept.length < limit ? kept.length : limit - 1;
      while (at > 0 && kept[at - 1]!.score < m.score) {
        kept[at] = kept[at - 1]!;
        at--;
      }
      kept[at] = { i, score: m.score };
    }
    lastMatches.set(this, { query, hits });
    return kept.map(({ i }) => {
      const [m, positions] = this.algoFn(caseSensitive, false, true, runesList[i]!, pattern, true, scratch);
      return { item: this.items[i]!, ...m, positions: positions ?? new Set() };
    });
  };
}

/** fzf's v1 algorithm, taken from a finder: the package does not export it. */
const v1 = (new Fzf<readonly string[]>([], { fuzzy: "v1" }) as unknown as { finder: { algoFn: AlgoFn } }).finder.algoFn;

/** A block of paths: what bestOf needs of an fzf finder (`runesList`, `algoFn`, `items`). */
class Block implements Finder {
  readonly algoFn = v1;
  readonly match: (query: string) => FzfResultItem<number>[];
  constructor(
    readonly runesList: number[][],
    readonly items: readonly number[],
    limit: number,
  ) {
    this.match = bestOf(limit);
  }

  find(query: string): FzfResultItem<number>[] {
    return this.match(query);
  }
}

export class PathMatcher {
  private readonly paths: string[] = [];
  /** Code points of each path, as fzf's finders hold them; built here without fzf's per-path copies. */
  private readonly runes: number[][] = [];
  private readonly blocks: Block[] = [];
  /** Paths added since the last full block; built into a finder on demand. */
  private tailBuiltAt = -1;
  private tail: Block | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.paths.length;
  }

  path(index: number): string {
    return this.paths[index]!;
  }

  add(path: string): void {
    this.paths.push(path);
    this.runes.push(toRunes(path));
    const full = this.blocks.length * BLOCK_SIZE + BLOCK_SIZE;
    if (this.paths.length === full) this.blocks.push(this.finder(full - BLOCK_SIZE, full));
  }

  /**
   * The best `limit` matches, best first (ties: shorter path, then alphabetical). Resolves with
   * what was found so far if `signal` aborts mid-way.
   */
  async match(query: string, signal?: AbortSignal): Promise<PathMatch[]> {
    if (query.length === 0) return [];
    const found: PathMatch[] = [];
    const blocks = [...this.blocks, this.tailFinder()].filter((b): b is Block => b !== undefined);
    for (const block of blocks) {
      if (signal?.aborted) break;
      for (const r of block.find(query)) {
        found.push({ index: r.item, score: r.score, positions: [...r.positions].sort((a, b) => a - b) });
      }
      await yieldToLoop();
    }
    found.sort((a, b) => b.score - a.score || this.paths[a.index]!.length - this.paths[b.index]!.length || compare(this.paths[a.index]!, this.paths[b.index]!));
    return found.slice(0, this.limit);
  }

  private tailFinder(): Block | undefined {
    const start = this.blocks.length * BLOCK_SIZE;
    if (start === this.paths.length) return undefined;
    if (this.tailBuiltAt !== this.paths.length) {
      this.tail = this.finder(start, this.paths.length);
      this.tailBuiltAt = this.paths.length;
    }
    return this.tail;
  }

  private finder(start: number, end: number): Block {
    const indexes = Array.from({ length: end - start }, (_, i) => start + i);
    // v1 (fzf's own choice for long inputs) is several times faster than v2 in JS; paths are short
    // enough that its greedy positions rarely differ.
    return new Block(this.runes.slice(start, end), indexes, this.limit);
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
