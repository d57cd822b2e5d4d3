// Thread names, kept as 0.169 keeps them: $CODEX_HOME/session_index.jsonl, one appended line
// `{ id, thread_name, updated_at }` per rename; the last line for an id wins.
import { appendFile, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { errnoCode, ioError } from "./types.js";

function indexPath(codexHome: string): string {
  return path.join(codexHome, "session_index.jsonl");
}

export async function appendThreadName(codexHome: string, id: string, name: string): Promise<void> {
  const line = JSON.stringify({ id, thread_name: name, updated_at: new Date().toISOString() });
  try {
    await appendFile(indexPath(codexHome), `${line}\n`, { mode: 0o600 });
  } catch (err) {
    throw ioError("failed to record thread name", err);
  }
}

/** Every named thread's latest name. A missing file names none; broken lines are skipped. */
export async function readThreadNames(codexHome: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(indexPath(codexHome), "utf8");
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return new Map();
    throw ioError("failed to read thread names", err);
  }
  const names = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { id?: unknown; thread_name?: unknown };
      if (typeof entry.id === "string" && typeof entry.thread_name === "string") names.set(entry.id.toLowerCase(), entry.thread_name);
    } catch {
      // A torn last line from a crash must not hide every other name.
    }
  }
  return names;
}

/** Drops every name line of a thread (thread/delete); atomic: a temp file renamed over the index. */
export async function removeThreadNames(codexHome: string, id: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(indexPath(codexHome), "utf8");
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return;
    throw ioError("failed to read thread names", err);
  }
  const wanted = id.toLowerCase();
  const kept = text.split("\n").filter((line) => {
    if (!line.trim()) return false;
    try {
      const entry = JSON.parse(line) as { id?: unknown };
      return !(typeof entry.id === "string" && entry.id.toLowerCase() === wanted);
    } catch {
      return true;
    }
  });
  // Unpredictable and exclusive: nothing planted under the name is written through.
  const temp = `${indexPath(codexHome)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temp, kept.map((l) => `${l}\n`).join(""), { mode: 0o600, flag: "wx" });
    await rename(temp, indexPath(codexHome));
  } catch (err) {
    throw ioError("failed to remove thread names", err);
  }
}
