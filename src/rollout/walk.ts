// Enumerates rollout files newest first without reading them: sessions/YYYY/MM/DD directories
// descending, then file names (creation stamp, id) descending within a day.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { compareNewestFirst, parseRolloutFileName, type RolloutFileName } from "./paths.js";

export interface RolloutFile extends RolloutFileName {
  path: string;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return []; // missing, not a directory, unreadable: nothing listed from there
  }
}

async function subdirsDesc(dir: string, digits: number): Promise<string[]> {
  const re = new RegExp(`^\\d{${digits}}$`);
  return (await names(dir)).filter((n) => re.test(n)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/** The rollout files directly in `dir`, newest first. */
export async function filesIn(dir: string): Promise<RolloutFile[]> {
  const out: RolloutFile[] = [];
  for (const name of await names(dir)) {
    const parsed = parseRolloutFileName(name);
    if (parsed) out.push({ ...parsed, path: path.join(dir, name) });
  }
  return out.sort(compareNewestFirst);
}

/**
 * Files under a dated tree, newest first. `notAfterDay` ("YYYY-MM-DD") skips whole directories
 * of later days, so resuming from a cursor does not list every newer day first.
 */
export async function* walkDated(root: string, notAfterDay?: string): AsyncGenerator<RolloutFile> {
  const [cy = "9999", cm = "99", cd = "99"] = notAfterDay?.split("-") ?? [];
  for (const y of await subdirsDesc(root, 4)) {
    if (y > cy) continue;
    const yDir = path.join(root, y);
    for (const m of await subdirsDesc(yDir, 2)) {
      if (y === cy && m > cm) continue;
      const mDir = path.join(yDir, m);
      for (const d of await subdirsDesc(mDir, 2)) {
        if (y === cy && m === cm && d > cd) continue;
        yield* await filesIn(path.join(mDir, d));
      }
    }
  }
}
