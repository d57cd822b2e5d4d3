// fzf's v1 score of an ASCII path, read straight from the string. The fzf package scores arrays of
// code points and copies the rest of the array for every query letter it looks for; over 100,000
// paths that copying and the per-path arrays cost more than the scoring itself. This is the same
// algorithm (greedy forward scan, backward scan to the shortest window, then fzf's bonuses and gap
// penalties) with the same constants, so ranking by it ranks as fzf would; a unit test compares it
// with the package on thousands of paths and queries. Paths with other characters, and the
// positions of the results shown, still go through the package itself (path-matcher.ts).

/** What a path that does not match scores (below any real score). */
export const NO_MATCH = -Infinity;

const SCORE_MATCH = 16;
const SCORE_GAP_START = -3;
const SCORE_GAP_EXTENSION = -1;
const BONUS_BOUNDARY = SCORE_MATCH / 2;
const BONUS_NON_WORD = SCORE_MATCH / 2;
const BONUS_CAMEL_123 = BONUS_BOUNDARY + SCORE_GAP_EXTENSION;
const BONUS_CONSECUTIVE = -(SCORE_GAP_START + SCORE_GAP_EXTENSION);
const BONUS_FIRST_CHAR_MULTIPLIER = 2;

// fzf's character classes.
const NON_WORD = 0;
const LOWER = 1;
const UPPER = 2;
const NUMBER = 4;

/** fzf's class of every ASCII character, looked up rather than compared. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CLASS[c] = c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? NUMBER : NON_WORD;
}

/** True when every character of `text` is ASCII (these are the paths scored here). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

function bonusFor(prevClass: number, currClass: number): number {
  if (prevClass === NON_WORD && currClass !== NON_WORD) return BONUS_BOUNDARY;
  if ((prevClass === LOWER && currClass === UPPER) || (prevClass !== NUMBER && currClass === NUMBER)) return BONUS_CAMEL_123;
  if (currClass === NON_WORD) return BONUS_NON_WORD;
  return 0;
}

/**
 * fzf's v1 score of `text` (ASCII only) for `pattern`, or NO_MATCH. `pattern` is what fzf would be
 * given: lower case when not `caseSensitive` (smart case lowers nothing, it only decides this flag).
 */
export function asciiV1Score(text: string, pattern: string, caseSensitive: boolean): number {
  const n = text.length;
  const m = pattern.length;
  if (m === 0 || m > n) return m === 0 ? 0 : NO_MATCH;
  // Forward: the first window holding the pattern in order.
  let pidx = 0;
  let sidx = -1;
  let eidx = -1;
  let want = pattern.charCodeAt(0);
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (!caseSensitive && c >= 65 && c <= 90) c += 32;
    if (c !== want) continue;
    if (sidx < 0) sidx = i;
    if (++pidx === m) {
      eidx = i + 1;
      break;
    }
    want = pattern.charCodeAt(pidx);
  }
  if (eidx < 0) return NO_MATCH;
  // Backward from its end: the shortest window ending there.
  pidx = m - 1;
  want = pattern.charCodeAt(pidx);
  for (let i = eidx - 1; i >= sidx; i--) {
    let c = text.charCodeAt(i);
    if (!caseSensitive && c >= 65 && c <= 90) c += 32;
    if (c !== want) continue;
    if (--pidx < 0) {
      sidx = i;
      break;
    }
    want = pattern.charCodeAt(pidx);
  }
  // fzf's calculateScore over the window.
  pidx = 0;
  want = pattern.charCodeAt(0);
  let score = 0;
  let inGap = false;
  let consecutive = 0;
  let firstBonus = 0;
  let prevClass = sidx > 0 ? CLASS[text.charCodeAt(sidx - 1)]! : NON_WORD;
  for (let i = sidx; i < eidx; i++) {
    let c = text.charCodeAt(i);
    const cls = CLASS[c]!;
    if (!caseSensitive && c >= 65 && c <= 90) c += 32;
    if (c === want) {
      score += SCORE_MATCH;
      let bonus = bonusFor(prevClass, cls);
      if (consecutive === 0) {
        firstBonus = bonus;
      } else {
        if (bonus === BONUS_BOUNDARY) firstBonus = bonus;
        bonus = Math.max(bonus, firstBonus, BONUS_CONSECUTIVE);
      }
      score += pidx === 0 ? bonus * BONUS_FIRST_CHAR_MULTIPLIER : bonus;
      inGap = false;
      consecutive++;
      pidx++;
      want = pidx < m ? pattern.charCodeAt(pidx) : -1;
    } else {
      score += inGap ? SCORE_GAP_EXTENSION : SCORE_GAP_START;
      inGap = true;
      consecutive = 0;
      firstBonus = 0;
    }
    prevClass = cls;
  }
  return score;
}
