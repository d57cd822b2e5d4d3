// Finds where a chunk's lines sit in a file. Models reproduce context imperfectly, so, as the
// reference does, each pass is more forgiving than the last: exact, then ignoring trailing
// whitespace, then ignoring surrounding whitespace, then also treating typographic punctuation
// (dashes, curly quotes, odd spaces) as its ASCII look-alike. The first pass that matches wins.

type LineComparison = (fileLine: string, patternLine: string) => boolean;

const PASSES: readonly LineComparison[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
  (a, b) => normalisePunctuation(a) === normalisePunctuation(b),
];

/**
 * The index at or after `start` where `pattern` occurs in `lines`, or null. With `eof`, a match
 * at the very end of the file is tried first (for chunks marked "*** End of File").
 * An empty pattern matches at `start`.
 */
export function seekSequence(lines: readonly string[], pattern: readonly string[], start: number, eof: boolean): number | null {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return null;
  const last = lines.length - pattern.length;
  const from = eof ? last : start;
  for (const same of PASSES) {
    for (let i = from; i <= last; i++) {
      if (matchesAt(lines, pattern, i, same)) return i;
    }
  }
  return null;
}

function matchesAt(lines: readonly string[], pattern: readonly string[], at: number, same: LineComparison): boolean {
  for (let j = 0; j < pattern.length; j++) {
    if (!same(lines[at + j] ?? "", pattern[j] ?? "")) return false;
  }
  return true;
}

const PUNCTUATION: ReadonlyMap<string, string> = new Map([
  ...["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"].map((c) => [c, "-"] as const),
  ...["\u2018", "\u2019", "\u201A", "\u201B"].map((c) => [c, "'"] as const),
  ...["\u201C", "\u201D", "\u201E", "\u201F"].map((c) => [c, '"'] as const),
  ...["\u00A0", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200A", "\u202F", "\u205F", "\u3000"].map(
    (c) => [c, " "] as const,
  ),
]);
const PUNCTUATION_RE = /[\u2010-\u2015\u2212\u2018-\u201F\u00A0\u2002-\u200A\u202F\u205F\u3000]/g;

/** Trims, then maps typographic dashes, quotes and spaces to ASCII. */
export function normalisePunctuation(line: string): string {
  return line.trim().replace(PUNCTUATION_RE, (c) => PUNCTUATION.get(c) ?? c);
}
