// A rollout writer that gives its file descriptor back while idle, and what it writes at exit.
import { readFileSync, readdirSync, readlinkSync, renameSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RolloutError, type SessionMeta } from "../../src/rollout/types.js";
import { RolloutWriter } from "../../src/rollout/writer.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmpHome = useTempDirs(afterEach, "rollout-release-");

const ID = "019abcde-0123-7456-89ab-0123456789ac";
const meta: SessionMeta = {
  id: ID,
  timestamp: "2026-01-05T10:11:12.345Z",
  cwd: "/work",
  originator: "my_ide",
  cli_version: "0.90.0",
  source: "vscode",
  model_provider: "openai",
};

function payloads(file: string): unknown[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (JSON.parse(l) as { payload: unknown }).payload)
    .slice(1);
}

/** Open descriptors of this process that point at `file`. */
function openOn(file: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe("RolloutWriter.release", () => {
  it("closes the file while idle and appends on the next write, in order", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta);
    w.write("event_msg", { n: 1 });
    expect(openOn(w.path)).toBe(1);
    await w.release();
    expect(w.isOpen).toBe(false);
    expect(openOn(w.path)).toBe(0);
    w.write("event_msg", { n: 2 });
    w.write("event_msg", { n: 3 });
    await w.flush();
    expect(payloads(w.path)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await w.close();
    expect(openOn(w.path)).toBe(0);
  });

  it("keeps the file when its owner stopped being idle while the release waited (a turn began)", async () => {
    const home = tmpHome();
    const w = await RolloutWriter.create(home, meta);
    // The turn's first line is already out when the release looks: only "idle" tells them apart.
    w.write("event_msg", { n: 1 });
    await w.flush();
    await w.release(() => false);
    expect(w.isOpen).toBe(true);
    // An archive moves the file mid-turn: the turn's last lines still reach it through the open fd.
    const moved = path.join(home, "moved.jsonl");
    renameSync(w.path, moved);
    w.write("event_msg", { n: 2 });
    await w.close();
    expect(payloads(moved)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("does not create the file again once it was moved away (archived)", async () => {
    const home = tmpHome();
    const w = await RolloutWriter.create(home, meta);
    await w.release();
    renameSync(w.path, path.join(home, "moved.jsonl"));
    w.write("event_msg", { n: 1 });
    await expect(w.flush()).rejects.toBeInstanceOf(RolloutError);
    expect(readdirSync(path.dirname(w.path))).toEqual([]);
  });
});

describe("RolloutWriter.writeQueuedSync", () => {
  it("writes the lines no write has started on yet before returning (process exit)", async () => {
    const w = await RolloutWriter.create(tmpHome(), meta);
    w.write("event_msg", { n: 1 });
    // The first line is in flight now; these two are only queued.
    w.write("event_msg", { n: 2 });
    w.write("event_msg", { n: 3 });
    w.writeQueuedSync();
    expect(payloads(w.path)).toEqual(expect.arrayContaining([{ n: 2 }, { n: 3 }]));
    await w.flush();
    expect(payloads(w.path)).toHaveLength(3);
    await w.close();
  });
});
