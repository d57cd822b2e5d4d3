// fs/watch, fs/unwatch and fs/changed over the real bin: a directory's direct entries, a file
// (also one not created yet, and one replaced by rename), bursts merged into one notification,
// unwatch stopping them, codex 0.169's errors, and a watch on a large tree costing one watch.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "fs-watch-");

function conforms(schema: string, value: unknown): void {
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${schema}.json`), value)).toEqual([]);
}

async function server(): Promise<ServerProcess> {
  const s = start();
  await s.initialize("watch_client", "1.0");
  return s;
}

async function watch(s: ServerProcess, watchId: string, target: string): Promise<string> {
  const params = { watchId, path: target };
  conforms("FsWatchParams", params);
  const res = await s.request("fs/watch", params);
  expect(res.error).toBeUndefined();
  conforms("FsWatchResponse", res.result);
  return (res.result as { path: string }).path;
}

const changes = (s: ServerProcess, watchId: string) =>
  s
    .notifications("fs/changed")
    .map((n) => n.params as { watchId: string; changedPaths: string[] })
    .filter((p) => p.watchId === watchId);

/** Waits until `watchId` has reported `file`; returns every path it reported. */
async function seen(s: ServerProcess, watchId: string, file: string): Promise<string[]> {
  return s.waitFor(
    () => {
      const all = changes(s, watchId).flatMap((p) => p.changedPaths);
      return all.includes(file) ? all : undefined;
    },
    10_000,
    `fs/changed for ${file} on ${watchId}`,
  );
}

describe("fs/watch", () => {
  it("reports changes to a directory's entries, merged per burst, with 0.169's shapes", async () => {
    const s = await server();
    const dir = tempDir();
    mkdirSync(path.join(dir, "sub"));
    expect(await watch(s, "w-dir", dir)).toBe(dir);
    for (const name of ["a.txt", "b.txt", "c.txt"]) writeFileSync(path.join(dir, name), name);
    writeFileSync(path.join(dir, "sub", "deep.txt"), "deep");
    const all = await seen(s, "w-dir", path.join(dir, "c.txt"));
    expect(all).toEqual(expect.arrayContaining([path.join(dir, "a.txt"), path.join(dir, "b.txt"), path.join(dir, "c.txt")]));
    // Non-recursive, as 0.169: a change inside sub/ is sub's own business...
    expect(all).not.toContain(path.join(dir, "sub", "deep.txt"));
    // ...and a burst comes as few notifications, each path once.
    const notes = changes(s, "w-dir");
    expect(notes.length).toBeLessThan(12);
    for (const n of notes) {
      conforms("FsChangedNotification", n);
      expect(new Set(n.changedPaths).size).toBe(n.changedPaths.length);
    }
  });

  it("watches a file, one that does not exist yet, and one replaced by rename", async () => {
    const s = await server();
    const dir = tempDir();
    const file = path.join(dir, "config.json");
    const later = path.join(dir, "later.txt");
    writeFileSync(file, "{}");
    writeFileSync(path.join(dir, "other.txt"), "x");
    await watch(s, "w-file", file);
    expect(await watch(s, "w-later", later)).toBe(later);
    writeFileSync(path.join(dir, "tmp.json"), '{"a":1}');
    renameSync(path.join(dir, "tmp.json"), file);
    expect(await seen(s, "w-file", file)).toEqual(expect.arrayContaining([file]));
    writeFileSync(later, "now");
    await seen(s, "w-later", later);
    // Each watch reports only its own file.
    writeFileSync(path.join(dir, "other.txt"), "y");
    writeFileSync(file, "{}");
    await seen(s, "w-file", file);
    expect(changes(s, "w-file").flatMap((p) => p.changedPaths).every((p) => p === file)).toBe(true);
    expect(changes(s, "w-later").flatMap((p) => p.changedPaths).every((p) => p === later)).toBe(true);
  });

  it("reports the watched folder itself when it is removed", async () => {
    const s = await server();
    const dir = tempDir();
    const inner = path.join(dir, "inner");
    mkdirSync(inner);
    await watch(s, "w-gone", inner);
    rmSync(inner, { recursive: true });
    await seen(s, "w-gone", inner);
    expect(changes(s, "w-gone").flatMap((p) => p.changedPaths)).not.toContain(path.join(inner, "inner"));
    expect((await s.request("fs/getMetadata", { path: dir })).error).toBeUndefined();
  });

  it("answers the canonical path (.. and symlinks resolved)", async () => {
    const s = await server();
    const dir = tempDir();
    mkdirSync(path.join(dir, "real"));
    expect(await watch(s, "w-dots", path.join(dir, "real", "..", "real"))).toBe(path.join(dir, "real"));
  });

  it("stops reporting after fs/unwatch", async () => {
    const s = await server();
    const dir = tempDir();
    await watch(s, "w-stop", dir);
    await watch(s, "w-keep", dir);
    const unwatch = await s.request("fs/unwatch", { watchId: "w-stop" });
    conforms("FsUnwatchParams", { watchId: "w-stop" });
    conforms("FsUnwatchResponse", unwatch.result);
    expect(unwatch.result).toEqual({});
    writeFileSync(path.join(dir, "after.txt"), "x");
    // The other watch on the same folder sees it; by then the stopped one would have too.
    await seen(s, "w-keep", path.join(dir, "after.txt"));
    expect(changes(s, "w-stop")).toEqual([]);
    // Unknown ids are not an error, as in 0.169.
    expect((await s.request("fs/unwatch", { watchId: "never-was" })).result).toEqual({});
  });

  it("bad input: relative path, missing parent, duplicate id; the server keeps serving", async () => {
    const s = await server();
    const dir = tempDir();
    const relative = await s.request("fs/watch", { watchId: "r", path: "some/dir" });
    expect(relative.error?.code).toBe(-32602);
    expect(relative.error?.message).toMatch(/path: must be an absolute path/);
    const missing = await s.request("fs/watch", { watchId: "m", path: path.join(dir, "no", "such") });
    expect(missing.error?.message).toBe(`fs/watch ${path.join(dir, "no", "such")}: no such file or directory (ENOENT)`);
    await watch(s, "dup", dir);
    const dup = await s.request("fs/watch", { watchId: "dup", path: dir });
    expect(dup.error).toMatchObject({ code: -32600, message: "watchId already exists: dup" });
    expect((await s.request("fs/getMetadata", { path: dir })).error).toBeUndefined();
  });

  it("a watch on a large tree is one watch on its top folder", async () => {
    const s = await server();
    const dir = tempDir();
    for (let i = 0; i < 200; i++) {
      const sub = path.join(dir, `d${i}`, "x", "y");
      mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(sub, "f.txt"), "x");
    }
    await watch(s, "big", dir);
    // The server holds one inotify watch for it, whatever the tree's size.
    const inotify = await s.request("command/exec", {
      command: ["sh", "-c", `cat /proc/${s.child.pid}/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true`],
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect((inotify.result as JsonObject).stdout).toBe("1\n");
    writeFileSync(path.join(dir, "top.txt"), "x");
    await seen(s, "big", path.join(dir, "top.txt"));
  });
});
