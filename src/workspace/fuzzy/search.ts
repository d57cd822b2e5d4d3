// One fuzzy search over several roots: their indexes (walked or reused), matched, merged into
// the picker's best MATCH_LIMIT.
import type { FuzzyFileSearchResult } from "../../protocol/fuzzy-search.js";
import { MATCH_LIMIT, type FileIndex } from "./file-index.js";

/** `partial`: match what the walks found so far instead of waiting for them (a session's early results). */
export async function searchIndexes(indexes: readonly FileIndex[], query: string, signal?: AbortSignal, partial = false): Promise<FuzzyFileSearchResult[]> {
  if (query.length === 0) return [];
  const files: FuzzyFileSearchResult[] = [];
  // Roots are matched side by side: each follows its own walk.
  const matched = await Promise.all(indexes.map((index) => index.match(query, signal, !partial)));
  for (const [n, index] of indexes.entries()) {
    // Cancelled before its walk ended: a part of the tree would rank misleadingly, so nothing.
    if (!partial && signal?.aborted && !index.complete) continue;
    for (const m of matched[n]!) {
      const path = index.matcher.path(m.index);
      files.push({
        root: index.root,
        path,
        match_type: index.isDirectory(m.index) ? "directory" : "file",
        file_name: path.slice(path.lastIndexOf("/") + 1),
        score: m.score,
        indices: m.positions,
      });
    }
  }
  files.sort((a, b) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files.slice(0, MATCH_LIMIT);
}
