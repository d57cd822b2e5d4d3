// Loads a CommonJS bundle through vm.Script with a V8 code cache kept in the temp folder, so our
// bundles (the server, the OpenTelemetry SDK) are not parsed and compiled again on every start.
// Node 22 has module.enableCompileCache for this; Node 20 does not.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

export interface CachedModule<T> {
  exports: T;
  /** Call once the module's hot paths have run: the cache then holds their compiled code too. */
  saveCache(): void;
}

/** `file` must be ASCII, as our esbuild bundles are. */
export function requireWithCodeCache<T>(file: string, cacheDir = defaultCacheDir()): CachedModule<T> {
  // esbuild writes ASCII only (it escapes the rest), and latin1 skips UTF-8 decoding.
  const source = readFileSync(file, "latin1");
  const { size, mtimeMs } = statSync(file);
  const cacheFile = path.join(cacheDir, `${path.basename(file)}-${size}-${Math.trunc(mtimeMs)}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run, or the temp folder was cleaned.
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  // vm scripts cannot import() without a Node flag: the build turns import() of built-ins into require().
  const script = new vm.Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as T };
  fn(module.exports, createRequire(file), module, file, path.dirname(file));
  const needsCache = !cachedData || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    saveCache() {
      if (!needsCache) return;
      try {
        mkdirSync(cacheDir, { recursive: true });
        // Write aside and rename: another server starting now must never read half a cache.
        const partial = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
        // Caches of earlier builds of the same file are dead weight.
        const prefix = `${path.basename(file)}-`;
        for (const name of readdirSync(cacheDir)) {
          if (name.startsWith(prefix) && name.endsWith(".v8cache") && name !== path.basename(cacheFile)) {
            rmSync(path.join(cacheDir, name), { force: true });
          }
        }
      } catch {
        // A read-only temp folder only costs speed.
      }
    },
  };
}

function defaultCacheDir(): string {
  return path.join(os.tmpdir(), "codex-app-server-cache");
}
