import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { archiveRollout } from "../../src/rollout/archive.js";
import { archivedDir, sessionsDir } from "../../src/rollout/paths.js";
import type { SessionMeta } from "../../src/rollout/types.js";
import { RolloutWriter } from "../../src/rollout/writer.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmpDir = useTempDirs(afterEach, "rollout-a-");

const ID = "019abcde-0123-7456-89ab-0123456789ab";
const OTHER = "019abcde-0123-7456-89ab-0000000000ff";

async function session(home: string, id = ID): Promise<string> {
  const meta: SessionMeta = { id, timestamp: "2026-01-05T10:11:12.345Z", cwd: "/w", originator: "o", cli_version: "0.90.0", source: "vscode", model_provider: "openai" };
  const w = await RolloutWriter.create(home, meta, new Date(2026, 0, 5, 10, 11, 12));
  w.write("event_msg", { type: "user_message", message: "hi" });
  await w.close();
  return w.path;
}

describe("archiveRollout", () => {
  it("moves the file to archived_sessions/<same name>, flat", async () => {
    const home = tmpDir();
    const p = await session(home);
    const before = readFileSync(p, "utf8");
    const dest = await archiveRollout(home, ID, p);
    expect(dest).toBe(path.join(archivedDir(home), path.basename(p)));
    expect(existsSync(p)).toBe(false);
    expect(readFileSync(dest, "utf8")).toBe(before);
  });

  it("refuses a file outside sessions/ and leaves it alone", async () => {
    const home = tmpDir();
    await session(home);
    const stray = path.join(tmpDir(), `rollout-2026-01-05T10-11-12-${ID}.jsonl`);
    writeFileSync(stray, "x\n");
    await expect(archiveRollout(home, ID, stray)).rejects.toMatchObject({
      code: "outside_sessions",
      message: `rollout path \`${stray}\` must be in sessions directory`,
    });
    expect(existsSync(stray)).toBe(true);
    expect(existsSync(archivedDir(home))).toBe(false);
  });

  it("refuses a ../ path that climbs out of sessions/", async () => {
    const home = tmpDir();
    const p = await session(home);
    const outsideFile = path.join(home, `rollout-2026-01-05T10-11-12-${ID}.jsonl`);
    writeFileSync(outsideFile, "x\n");
    const climbing = `${sessionsDir(home)}/2026/01/05/../../../../rollout-2026-01-05T10-11-12-${ID}.jsonl`;
    await expect(archiveRollout(home, ID, climbing)).rejects.toMatchObject({ code: "outside_sessions" });
    expect(existsSync(outsideFile)).toBe(true);
    expect(existsSync(p)).toBe(true);
  });

  it("refuses a symlink inside sessions/ that points outside", async () => {
    const home = tmpDir();
    await session(home);
    const target = path.join(tmpDir(), "secret.jsonl");
    writeFileSync(target, "secret\n");
    const link = path.join(sessionsDir(home), "2026", "01", "05", `rollout-2026-01-05T10-11-13-${OTHER}.jsonl`);
    symlinkSync(target, link);
    await expect(archiveRollout(home, OTHER, link)).rejects.toMatchObject({ code: "outside_sessions" });
    expect(readFileSync(target, "utf8")).toBe("secret\n");
    expect(existsSync(link)).toBe(true);
    // A symlinked directory on the way out is caught the same way.
    const outDir = tmpDir();
    writeFileSync(path.join(outDir, `rollout-2026-01-05T10-11-14-${OTHER}.jsonl`), "x\n");
    symlinkSync(outDir, path.join(sessionsDir(home), "2026", "01", "06"));
    await expect(archiveRollout(home, OTHER, path.join(sessionsDir(home), "2026", "01", "06", `rollout-2026-01-05T10-11-14-${OTHER}.jsonl`))).rejects.toMatchObject({ code: "outside_sessions" });
  });

  it("refuses a path that does not match the conversation id", async () => {
    const home = tmpDir();
    const p = await session(home);
    await expect(archiveRollout(home, OTHER, p)).rejects.toMatchObject({
      code: "mismatch",
      message: `rollout path \`${p}\` does not match thread id ${OTHER}`,
    });
    expect(existsSync(p)).toBe(true);
  });

  it("refuses an already archived file, by either path", async () => {
    const home = tmpDir();
    const p = await session(home);
    const dest = await archiveRollout(home, ID, p);
    await expect(archiveRollout(home, ID, p)).rejects.toMatchObject({ code: "outside_sessions", message: `rollout path \`${p}\` must be in sessions directory` });
    await expect(archiveRollout(home, ID, dest)).rejects.toMatchObject({ code: "outside_sessions" });
    expect(existsSync(dest)).toBe(true);
  });

  it("reports a missing file inside sessions/ as not_found", async () => {
    const home = tmpDir();
    await session(home);
    const missing = path.join(sessionsDir(home), "2026", "01", "05", `rollout-2026-01-05T10-11-12-${OTHER}.jsonl`);
    await expect(archiveRollout(home, OTHER, missing)).rejects.toMatchObject({ code: "not_found" });
    await expect(archiveRollout(tmpDir(), OTHER, missing)).rejects.toMatchObject({ code: "outside_sessions" });
  });

  it("does not overwrite an earlier archive of the same name", async () => {
    const home = tmpDir();
    const p = await session(home);
    mkdirSync(archivedDir(home));
    const dest = path.join(archivedDir(home), path.basename(p));
    writeFileSync(dest, "earlier\n");
    await expect(archiveRollout(home, ID, p)).rejects.toMatchObject({ code: "io" });
    expect(readFileSync(dest, "utf8")).toBe("earlier\n");
    expect(existsSync(p)).toBe(true);
  });
});
