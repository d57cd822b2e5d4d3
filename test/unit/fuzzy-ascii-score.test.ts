// The string scorer must rank exactly as the fzf package's v1 algorithm scores: compared here on
// generated paths and queries (lower and mixed case, separators, digits, misses).
import { Fzf } from "fzf";
import { describe, expect, it } from "vitest";
import { asciiV1Score, isAscii, NO_MATCH } from "../../src/workspace/fuzzy/ascii-v1-score.js";
import { PathMatcher } from "../../src/workspace/fuzzy/path-matcher.js";

type AlgoFn = (cs: boolean, norm: boolean, fwd: boolean, text: number[], pattern: number[], withPos: boolean, slab: null) => [{ start: number; score: number }, Set<number> | null];
const fzfV1 = (new Fzf<readonly string[]>([], { fuzzy: "v1" }) as unknown as { finder: { algoFn: AlgoFn } }).finder.algoFn;
const runes = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
}

const ALPHABET = "abcdeABCDE019_-./ xyzXYZ";

describe("asciiV1Score", () => {
  it("scores every generated path and query as fzf's v1 does", () => {
    const next = random(7);
    const word = (len: number) => Array.from({ length: len }, () => ALPHABET[next(ALPHABET.length)]).join("");
    let matched = 0;
    for (let t = 0; t < 20_000; t++) {
      const path = word(1 + next(40));
      const raw = word(1 + next(5));
      // Smart case as the matcher uses it: a query with an upper-case letter is case-sensitive.
      const query = next(3) === 0 ? raw : raw.toLowerCase();
      const caseSensitive = query.toLowerCase() !== query;
      const [m] = fzfV1(caseSensitive, false, true, runes(path), runes(query), false, null);
      const expected = m.start < 0 ? NO_MATCH : m.score;
      if (m.start >= 0) matched++;
      expect(asciiV1Score(path, query, caseSensitive), `${JSON.stringify(path)} / ${JSON.stringify(query)}`).toBe(expected);
    }
    // The comparison covered matches, not only misses.
    expect(matched).toBeGreaterThan(2_000);
  });

  it("knows ASCII from the rest", () => {
    expect(isAscii("src/main.rs")).toBe(true);
    expect(isAscii("docs/café.md")).toBe(false);
  });
});

describe("PathMatcher", () => {
  it("ranks as fzf does, with fzf's positions, ties broken by length then name, non-ASCII paths included", async () => {
    const paths = ["src/main.rs", "docs/maintenance.md", "src/deep/mainframe.ts", "lib/main.rs", "é/main.rs", "notes/m-a-i-n.txt", "x/readme"];
    const matcher = new PathMatcher(50);
    for (const p of paths) matcher.add(p);
    const found = await matcher.match("main");
    const expected = paths
      .map((p, index) => {
        const [m, pos] = fzfV1(false, false, true, runes(p.normalize()), runes("main"), true, null);
        return { index, score: m.score, positions: [...(pos ?? [])].sort((a, b) => a - b), ok: m.start >= 0, p };
      })
      .filter((e) => e.ok)
      .sort((a, b) => b.score - a.score || a.p.length - b.p.length || (a.p < b.p ? -1 : 1))
      .map(({ index, score, positions }) => ({ index, score, positions }));
    expect(found).toEqual(expected);
    expect(found.map((f) => paths[f.index])).toContain("é/main.rs");
  });

  it("a keystroke reuses the last matches and still sees paths added since", async () => {
    const matcher = new PathMatcher(10);
    for (let i = 0; i < 5000; i++) matcher.add(`pkg${i % 7}/file${i}.ts`);
    expect((await matcher.match("f")).length).toBe(10);
    matcher.add("zz/fi-late.md");
    const found = await matcher.match("fi-l");
    expect(found.map((f) => matcher.path(f.index))).toEqual(["zz/fi-late.md"]);
    // A query that does not extend the last one scans everything again.
    expect((await matcher.match("pkg3")).every((f) => matcher.path(f.index).startsWith("pkg3/"))).toBe(true);
  });

  it("keeps only the best `limit`, and an aborted scan answers with what it had", async () => {
    const matcher = new PathMatcher(3);
    for (let i = 0; i < 100; i++) matcher.add(`dir/file${i}`);
    matcher.add("f");
    const found = await matcher.match("f");
    expect(found.map((f) => matcher.path(f.index))).toEqual(["f", "dir/file0", "dir/file1"]);
    const controller = new AbortController();
    controller.abort();
    expect(await matcher.match("fi", controller.signal)).toEqual([]);
  });
});
