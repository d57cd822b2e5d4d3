// Loads a CommonJS bundle through vm.Script with a V8 code cache, so our bundles (the server, the
// OpenTelemetry SDK) are not parsed and compiled again on every start. The cache lives in a folder
// only we can write to (cache-dir.ts) and an entry is used only for the exact source it was made
// from (entry-file.ts); any doubt runs the bundle without it. Node 22 has
// module.enableCompileCache for this; Node 20 does not, and this path works on every version.
import { lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { currentUid, defaultCacheDir, ensurePrivateDir, isPrivateDir } from "./cache-dir.js";
import { readEntry, runtimeKey, writeEntry } from "./entry-file.js";

export interface CachedModule<T> {
  exports: T;
  /** Call once the module's hot paths have run: the cache then holds their compiled code too. */
  saveCache(): void;
}

export interface CodeCacheOptions {
  /** The folder holding the caches; null runs without one. Default: `defaultCacheDir()`. */
  dir?: string | null;
  /** The only owner trusted for the folder and its files. Default: ours (tests pose as someone else). */
  uid?: number;
}

/** `file` must be ASCII, as our esbuild bundles are. */
export function requireWithCodeCache<T>(file: string, options: CodeCacheOptions = {}): CachedModule<T> {
  const bytes = readFileSync(file);
  const dir = options.dir === undefined ? defaultCacheDir() : options.dir;
  const uid = options.uid ?? currentUid();
  const key = runtimeKey();
  const cache = dir === null || uid === undefined ? undefined : { dir, uid, file: path.join(dir, entryName(file, key)) };

  let cachedData: Buffer | undefined;
  if (cache && isPrivateDir(cache.dir, cache.uid)) {
    const entry = readEntry(cache.file, cache.uid);
    if (entry && entry.runtimeKey === key && entry.source.equals(bytes)) cachedData = entry.data;
  }
  // esbuild writes ASCII only (it escapes the rest), and latin1 skips UTF-8 decoding.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${bytes.toString("latin1")}\n})`;
  // vm scripts cannot import() without a Node flag: the build turns import() of built-ins into require().
  const script = new vm.Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as T };
  fn(module.exports, createRequire(file), module, file, path.dirname(file));
  const needsCache = cache !== undefined && (!cachedData || script.cachedDataRejected === true);
  return {
    exports: module.exports,
    saveCache() {
      if (!needsCache || !cache) return;
      try {
        if (!ensurePrivateDir(cache.dir, cache.uid)) return;
        writeEntry(cache.file, { runtimeKey: key, source: bytes, data: script.createCachedData() });
        pruneEntries(cache.dir, path.basename(file));
      } catch {
        // A full or read-only disk only costs speed.
      }
    },
  };
}

// Entries of installs and runtimes no longer used would pile up (npx installs each version in its
// own folder): keep the newest few of a bundle. One still in use is rewritten at its next exit.
const ENTRIES_KEPT_PER_BUNDLE = 4;

function pruneEntries(dir: string, bundle: string): void {
  const entries = readdirSync(dir)
    .filter((name) => name.startsWith(`${bundle}-`) && name.endsWith(".v8cache"))
    .map((name) => ({ name, mtimeMs: lstatSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { name } of entries.slice(ENTRIES_KEPT_PER_BUNDLE)) rmSync(path.join(dir, name), { force: true });
}

// One entry per installed file and runtime: an upgrade in place overwrites its predecessor, and
// two installs or Node versions used in turn do not evict each other.
function entryName(file: string, key: string): string {
  return `${path.basename(file)}-${fnv1a(path.resolve(file))}-${fnv1a(key)}.v8cache`;
}

// A name, not a check (the entry's contents are checked in full): a short hash without node:crypto.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
