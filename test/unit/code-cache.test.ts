import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import os from "node:os";
import { defaultCacheDir } from "../../src/code-cache/cache-dir.js";
import { decodeEntry, encodeEntry } from "../../src/code-cache/entry-file.js";
import { requireWithCodeCache } from "../../src/code-cache/require-with-cache.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmp = useTempDirs(afterEach, "cc-");
const uid = process.getuid!();

/** A private cache folder (0700, inside a fresh temp folder). */
function privateDir(): string {
  const dir = path.join(tmp(), "cache");
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function moduleFile(text: string): string {
  const file = path.join(tmp(), "mod.cjs");
  writeFileSync(file, text);
  return file;
}

function onlyEntry(dir: string): string {
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return path.join(dir, names[0]!);
}

/**
 * A private cache folder holding, for the module `real` returns 'real', an entry whose bytecode was
 * compiled from a different source of the same length returning 'evil' (V8 checks only the length):
 * what a stranger would plant. `real` itself has never been compiled in this process (V8 would
 * reuse that compilation and ignore any cache), so loading it shows which bytecode ran.
 */
function plantEvilCache(): { real: string; dir: string; entry: string } {
  const dir = privateDir();
  // The entry's name depends on the path only: learn it from another source at the same path.
  const real = moduleFile("module.exports = 'a placeholder of another length';");
  requireWithCodeCache(real, { dir }).saveCache();
  const entry = onlyEntry(dir);
  writeFileSync(real, "module.exports = 'real';");
  const evilDir = privateDir();
  requireWithCodeCache(moduleFile("module.exports = 'evil';"), { dir: evilDir }).saveCache();
  const { runtimeKey } = decodeEntry(readFileSync(entry))!;
  const { data } = decodeEntry(readFileSync(onlyEntry(evilDir)))!;
  writeFileSync(entry, encodeEntry({ runtimeKey, source: readFileSync(real), data }), { mode: 0o600 });
  return { real, dir, entry };
}

describe("requireWithCodeCache", () => {
  it("runs a CommonJS file, writes a private cache once, and reuses it", () => {
    const cache = privateDir();
    const file = moduleFile("const path = require('node:path'); module.exports = { twice: (n) => n * 2, sep: path.sep, file: __filename };");
    const first = requireWithCodeCache<{ twice(n: number): number; sep: string; file: string }>(file, { dir: cache });
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.sep).toBe(path.sep);
    expect(first.exports.file).toBe(file);
    first.saveCache();
    const entry = onlyEntry(cache);
    expect(path.basename(entry)).toMatch(/^mod\.cjs-[0-9a-f]{8}-[0-9a-f]{8}\.v8cache$/);
    expect(statSync(entry).mode & 0o777).toBe(0o600);
    const written = statSync(entry).mtimeMs;

    const second = requireWithCodeCache<{ twice(n: number): number }>(file, { dir: cache });
    expect(second.exports.twice(2)).toBe(4);
    second.saveCache();
    expect(onlyEntry(cache)).toBe(entry);
    expect(statSync(entry).mtimeMs).toBe(written);
  });

  it("creates a missing cache folder, and its missing parents, with mode 0700", () => {
    const dir = path.join(tmp(), "home", ".cache", "codex-app-server");
    const file = moduleFile("module.exports = 1;");
    requireWithCodeCache(file, { dir }).saveCache();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
    onlyEntry(dir);
  });

  it("runs bytecode from a planted cache when it sits where only we can write (control)", () => {
    const { real, dir } = plantEvilCache();
    // The plant works in a folder and file that are ours alone: the checks below are what stop it.
    expect(requireWithCodeCache(real, { dir }).exports).toBe("evil");
  });

  it("never uses a folder that group or others can write to, and writes nothing there", () => {
    const { real, dir, entry } = plantEvilCache();
    chmodSync(dir, 0o777);
    const loaded = requireWithCodeCache(real, { dir });
    expect(loaded.exports).toBe("real");
    writeFileSync(entry, "x");
    loaded.saveCache();
    expect(readFileSync(entry, "latin1")).toBe("x");
    expect(statSync(dir).mode & 0o777).toBe(0o777);
  });

  it("never uses a folder owned by someone else", () => {
    const { real, dir } = plantEvilCache();
    expect(requireWithCodeCache(real, { dir, uid: uid + 1 }).exports).toBe("real");
  });

  it("never uses a cache folder that is a symlink", () => {
    const { real, dir } = plantEvilCache();
    const link = path.join(tmp(), "cache");
    symlinkSync(dir, link);
    expect(requireWithCodeCache(real, { dir: link }).exports).toBe("real");
  });

  it("never uses a folder whose parent others can write to (they could swap it), unless sticky", () => {
    const open = plantEvilCache();
    chmodSync(path.dirname(open.dir), 0o777);
    expect(requireWithCodeCache(open.real, { dir: open.dir }).exports).toBe("real");
    // Sticky, as /tmp: others cannot rename what is ours in it.
    const sticky = plantEvilCache();
    chmodSync(path.dirname(sticky.dir), 0o1777);
    expect(requireWithCodeCache(sticky.real, { dir: sticky.dir }).exports).toBe("evil");
  });

  it("never uses a folder reached through a symlink to a place others can write to", () => {
    const { real, dir } = plantEvilCache();
    chmodSync(path.dirname(dir), 0o777);
    const link = path.join(tmp(), "link");
    symlinkSync(path.dirname(dir), link);
    expect(requireWithCodeCache(real, { dir: path.join(link, path.basename(dir)) }).exports).toBe("real");
  });

  it("never uses a cache file that others can write to", () => {
    const { real, dir, entry } = plantEvilCache();
    chmodSync(entry, 0o666);
    expect(requireWithCodeCache(real, { dir }).exports).toBe("real");
  });

  it("never uses a cache file that is a symlink", () => {
    const { real, dir, entry } = plantEvilCache();
    const elsewhere = path.join(privateDir(), "entry");
    renameSync(entry, elsewhere);
    symlinkSync(elsewhere, entry);
    expect(requireWithCodeCache(real, { dir }).exports).toBe("real");
  });

  it("does not hang on a FIFO in place of the cache file", () => {
    const cache = privateDir();
    const file = moduleFile("module.exports = 'ok';");
    requireWithCodeCache(file, { dir: cache }).saveCache();
    const entry = onlyEntry(cache);
    rmSync(entry);
    execFileSync("mkfifo", [entry]);
    expect(requireWithCodeCache<string>(file, { dir: cache }).exports).toBe("ok");
  });

  it("rebuilds the cache when the source changes but keeps its length", () => {
    const cache = privateDir();
    const file = moduleFile("module.exports = 'old';");
    requireWithCodeCache(file, { dir: cache }).saveCache();
    const entry = onlyEntry(cache);
    const { mtime } = statSync(file);
    writeFileSync(file, "module.exports = 'new';");
    utimesSync(file, mtime, mtime);
    const again = requireWithCodeCache<string>(file, { dir: cache });
    expect(again.exports).toBe("new");
    again.saveCache();
    expect(onlyEntry(cache)).toBe(entry);
    expect(decodeEntry(readFileSync(entry))!.source.toString()).toBe("module.exports = 'new';");
  });

  it("keeps the newest four entries of a bundle installed in several places", () => {
    const cache = privateDir();
    const otherEntry = path.join(cache, "other.cjs-0-0.v8cache");
    writeFileSync(otherEntry, "");
    const entries: string[] = [];
    for (let i = 0; i < 6; i++) {
      requireWithCodeCache(moduleFile(`module.exports = ${i};`), { dir: cache }).saveCache();
      const added = readdirSync(cache).find((name) => name.startsWith("mod.cjs-") && !entries.includes(name))!;
      entries.push(added);
      // Distinct mtimes, oldest first, whatever the clock's resolution.
      utimesSync(path.join(cache, added), new Date(1_000 * (i + 1)), new Date(1_000 * (i + 1)));
    }
    expect(readdirSync(cache).sort()).toEqual([...entries.slice(2), path.basename(otherEntry)].sort());
  });

  it("ignores a corrupt or truncated cache file", () => {
    const cache = privateDir();
    const file = moduleFile("module.exports = 'ok';");
    requireWithCodeCache(file, { dir: cache }).saveCache();
    const entry = onlyEntry(cache);
    const whole = readFileSync(entry);
    writeFileSync(entry, Buffer.from("not a v8 cache"));
    expect(requireWithCodeCache<string>(file, { dir: cache }).exports).toBe("ok");
    writeFileSync(entry, whole.subarray(0, 60));
    expect(requireWithCodeCache<string>(file, { dir: cache }).exports).toBe("ok");
    const entryData = decodeEntry(whole)!;
    writeFileSync(entry, encodeEntry({ ...entryData, data: Buffer.from("garbage") }));
    expect(requireWithCodeCache<string>(file, { dir: cache }).exports).toBe("ok");
  });

  it("runs without a cache when there is no folder or it cannot be created", () => {
    const file = moduleFile("module.exports = 'ok';");
    const none = requireWithCodeCache<string>(file, { dir: null });
    expect(none.exports).toBe("ok");
    none.saveCache();
    const blocker = path.join(tmp(), "a-file");
    writeFileSync(blocker, "");
    const under = requireWithCodeCache<string>(file, { dir: path.join(blocker, "cache") });
    expect(under.exports).toBe("ok");
    under.saveCache();
  });
});

describe("defaultCacheDir", () => {
  it("takes the override, else $XDG_CACHE_HOME, else ~/.cache; off or relative means no cache", () => {
    expect(defaultCacheDir({ CODEX_APP_SERVER_CACHE_DIR: "/x/cache", XDG_CACHE_HOME: "/xdg", HOME: "/h" })).toBe("/x/cache");
    expect(defaultCacheDir({ CODEX_APP_SERVER_CACHE_DIR: "off", HOME: "/h" })).toBeNull();
    expect(defaultCacheDir({ CODEX_APP_SERVER_CACHE_DIR: "cache", HOME: "/h" })).toBeNull();
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg", HOME: "/h" })).toBe("/xdg/codex-app-server");
    // The XDG spec: a relative XDG_CACHE_HOME is ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: "xdg", HOME: "/h" })).toBe("/h/.cache/codex-app-server");
    expect(defaultCacheDir({ HOME: "relative" })).toBeNull();
  });

  it("finds the home folder in the password database when HOME is unset", () => {
    expect(defaultCacheDir({})).toBe(path.join(os.userInfo().homedir, ".cache", "codex-app-server"));
  });
});
