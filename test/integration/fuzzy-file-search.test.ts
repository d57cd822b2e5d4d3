// fuzzyFileSearch and its session variant over the real bin: ranking with matched indices,
// .gitignore / .ignore (with re-inclusion) respected and .git skipped, bad roots refused, an
// earlier request cancelled by a newer one with the same token, and the session notifications.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "codex-fuzzy-");

type Found = { root: string; path: string; match_type: string; file_name: string; score: number; indices: number[] | null };

function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function server(): Promise<ServerProcess> {
  const s = start();
  await s.initialize("fuzzy_client", "1.0");
  return s;
}

async function search(s: ServerProcess, params: Record<string, unknown>): Promise<Found[]> {
  const res = await s.request("fuzzyFileSearch", params);
  expect(res.error).toBeUndefined();
  expect(referenceSchemaProblems(loadReferenceSchema("FuzzyFileSearchResponse.json"), res.result)).toEqual([]);
  return (res.result as { files: Found[] }).files;
}

describe("fuzzyFileSearch", () => {
  it("ranks matches, gives the matched indices, and lists what git would", async () => {
    const root = tree({
      "src/main.rs": "",
      "src/deep/mainframe.ts": "",
      "docs/maintenance.md": "",
      "README.md": "",
      ".gitignore": "build/\n*.log\n!keep-main.log\n",
      "build/main.js": "",
      "debug-main.log": "",
      "keep-main.log": "",
      "vendor/.ignore": "generated-*\n",
      "vendor/generated-main.c": "",
      "vendor/main-lib.c": "",
      ".git/main-object": "",
    });
    const s = await server();
    const files = await search(s, { query: "main", roots: [root], cancellationToken: null });
    const paths = files.map((f) => f.path);
    // A match starting a name beats one inside it; the shorter path breaks a tie.
    expect(paths[0]).toBe("src/main.rs");
    expect(paths.indexOf("docs/maintenance.md")).toBeLessThan(paths.indexOf("src/deep/mainframe.ts"));
    expect(new Set(paths)).toEqual(new Set(["src/main.rs", "vendor/main-lib.c", "keep-main.log", "src/deep/mainframe.ts", "docs/maintenance.md"]));
    const mainRs = files[0]!;
    expect(mainRs).toEqual({ root, path: "src/main.rs", match_type: "file", file_name: "main.rs", score: mainRs.score, indices: [4, 5, 6, 7] });
    expect(mainRs.score).toBeGreaterThan(0);
    // Scores never rise down the list; indices always point at the query's letters.
    for (let i = 1; i < files.length; i++) expect(files[i]!.score).toBeLessThanOrEqual(files[i - 1]!.score);
    for (const f of files) expect(f.indices!.map((i) => f.path[i]!.toLowerCase()).join("")).toBe("main");

    // Folders match too, as the reference's match_type says.
    const dirs = await search(s, { query: "deep", roots: [root] });
    expect(dirs[0]).toMatchObject({ path: "src/deep", match_type: "directory", file_name: "deep" });
    expect(await search(s, { query: "", roots: [root] })).toEqual([]);
    expect(await search(s, { query: "zzzz", roots: [root] })).toEqual([]);
  });

  it("plain-name, path and *.ext rules ignore what git would, and a deeper ! still re-includes", async () => {
    // Rule sets like these are decided without the `ignore` package (the walk's fast path).
    const root = tree({
      ".gitignore": "# build output\n\ndist/\n*.tmp\n/hit-top.txt\nlib/gen\nnode_modules\nhitbin/\n",
      "dist/hit.js": "",
      "a/hit.tmp": "",
      "a/hit.tmpx": "",
      "hit-top.txt": "",
      "sub/hit-top.txt": "",
      "lib/gen/hit.c": "",
      "sub/lib/gen/hit.c": "",
      "node_modules/hit.js": "",
      "deep/node_modules/hit.js": "",
      "tools/hitbin": "",
      "src/hitbin/x.c": "",
      "keep/.gitignore": "!*.tmp\n",
      "keep/hit.tmp": "",
    });
    const s = await server();
    const paths = (await search(s, { query: "hit", roots: [root] })).map((f) => f.path);
    expect(paths.sort()).toEqual(["a/hit.tmpx", "keep/hit.tmp", "sub/hit-top.txt", "sub/lib/gen/hit.c", "tools/hitbin"]);
  });

  it("searches several roots at once", async () => {
    const a = tree({ "alpha/notes.txt": "" });
    const b = tree({ "beta/notes.md": "" });
    const s = await server();
    const files = await search(s, { query: "notes", roots: [a, b] });
    expect(files.map((f) => [f.root, f.path]).sort()).toEqual([[a, "alpha/notes.txt"], [b, "beta/notes.md"]].sort());
  });

  it("refuses a relative or missing root with an error naming it, and keeps serving", async () => {
    const s = await server();
    const relative = await s.request("fuzzyFileSearch", { query: "x", roots: ["some/dir"] });
    expect(relative.error).toMatchObject({ code: -32602, message: 'Invalid params: roots[0]: must be an absolute path, got "some/dir"' });
    const missing = await s.request("fuzzyFileSearch", { query: "x", roots: ["/nonexistent/codex-fuzzy"] });
    expect(missing.error).toMatchObject({ code: -32600, message: "fuzzyFileSearch: /nonexistent/codex-fuzzy: no such directory" });
    expect((await s.request("getUserAgent")).error).toBeUndefined();
  });

  it("a newer request with the same cancellationToken cancels the older, which answers empty", async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 100; d++) for (let f = 0; f < 100; f++) files[`dir${d}/file${f}.txt`] = "";
    const root = tree(files);
    const s = await server();
    // Both in one write: the first is still walking the tree when the second arrives.
    const first = 9001;
    const second = 9002;
    s.writeRaw(
      `${JSON.stringify({ id: first, method: "fuzzyFileSearch", params: { query: "file", roots: [root], cancellationToken: "picker" } })}\n` +
        `${JSON.stringify({ id: second, method: "fuzzyFileSearch", params: { query: "file1", roots: [root], cancellationToken: "picker" } })}\n`,
    );
    const older = await s.response(first, 30_000);
    const newer = await s.response(second, 30_000);
    expect(older).toMatchObject({ result: { files: [] } });
    expect(older.error).toBeUndefined();
    const found = (newer.result as { files: Found[] }).files;
    expect(found).toHaveLength(50);
    for (const f of found) expect(f.file_name).toMatch(/^file1/);
    // Without the shared token, the same search answers in full.
    expect(await search(s, { query: "file", roots: [root], cancellationToken: "other" })).toHaveLength(50);
  });
});

describe("fuzzyFileSearch sessions", () => {
  it("start, update and stop: results come as sessionUpdated then sessionCompleted", async () => {
    const root = tree({ "src/main.rs": "", "src/lib.rs": "", "ignored/main.txt": "", ".gitignore": "ignored/\n" });
    const s = await server();
    expect((await s.request("fuzzyFileSearch/sessionStart", { sessionId: "s1", roots: [root] })).result).toEqual({});
    await s.waitFor(() => s.notifications("fuzzyFileSearch/sessionCompleted")[0], 10_000, "the walk to complete");
    expect(s.notifications("fuzzyFileSearch/sessionUpdated").map((n) => n.params)).toEqual([{ sessionId: "s1", query: "", files: [] }]);

    expect((await s.request("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: "mai" })).result).toEqual({});
    await s.waitFor(() => s.notifications("fuzzyFileSearch/sessionCompleted")[1], 10_000, "the update to complete");
    const updated = s.notifications("fuzzyFileSearch/sessionUpdated")[1]!.params as { sessionId: string; query: string; files: Found[] };
    expect(updated).toMatchObject({ sessionId: "s1", query: "mai" });
    expect(updated.files.map((f) => [f.path, f.indices])).toEqual([["src/main.rs", [4, 5, 6]]]);
    expect(referenceSchemaProblems(loadReferenceSchema("FuzzyFileSearchSessionUpdatedNotification.json"), updated)).toEqual([]);
    expect(referenceSchemaProblems(loadReferenceSchema("FuzzyFileSearchSessionCompletedNotification.json"), s.notifications("fuzzyFileSearch/sessionCompleted")[1]!.params)).toEqual([]);

    expect((await s.request("fuzzyFileSearch/sessionStop", { sessionId: "s1" })).result).toEqual({});
    const gone = await s.request("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: "lib" });
    expect(gone.error).toMatchObject({ code: -32600, message: "fuzzy file search session not found: s1" });
  });

  it("an update superseded by a newer one reports only the newer", async () => {
    const root = tree({ "alpha.txt": "", "beta.txt": "" });
    const s = await server();
    await s.request("fuzzyFileSearch/sessionStart", { sessionId: "s2", roots: [root] });
    await s.waitFor(() => s.notifications("fuzzyFileSearch/sessionCompleted")[0], 10_000, "the walk to complete");
    s.writeRaw(
      `${JSON.stringify({ id: 1001, method: "fuzzyFileSearch/sessionUpdate", params: { sessionId: "s2", query: "al" } })}\n` +
        `${JSON.stringify({ id: 1002, method: "fuzzyFileSearch/sessionUpdate", params: { sessionId: "s2", query: "be" } })}\n`,
    );
    await s.waitFor(() => s.notifications("fuzzyFileSearch/sessionCompleted")[1], 10_000, "the update to complete");
    await s.request("getUserAgent"); // anything the older update would still send is out by now
    const queries = s.notifications("fuzzyFileSearch/sessionUpdated").map((n) => (n.params as { query: string }).query);
    expect(queries).toEqual(["", "be"]);
  });

  it("on a tree still being walked, the last update before sessionCompleted holds the full result", async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 100; d++) for (let f = 0; f < 100; f++) files[`dir${d}/file${f}.txt`] = "";
    const root = tree(files);
    const s = await server();
    s.writeRaw(
      `${JSON.stringify({ id: 2001, method: "fuzzyFileSearch/sessionStart", params: { sessionId: "big", roots: [root] } })}\n` +
        `${JSON.stringify({ id: 2002, method: "fuzzyFileSearch/sessionUpdate", params: { sessionId: "big", query: "dir7/file9" } })}\n`,
    );
    await s.waitFor(() => s.notifications("fuzzyFileSearch/sessionCompleted")[0], 30_000, "the update to complete");
    const updates = s.notifications("fuzzyFileSearch/sessionUpdated").map((n) => n.params as { query: string; files: Found[] });
    // Partial updates (if the walk was slow enough to get any) precede the final one, all for the query.
    expect(await s.response(2002)).toMatchObject({ result: {} });
    for (const u of updates) expect(u.query).toBe("dir7/file9");
    const full = await search(s, { query: "dir7/file9", roots: [root] });
    expect(full.length).toBeGreaterThan(0);
    expect(updates.at(-1)!.files).toEqual(full);
  });
});
