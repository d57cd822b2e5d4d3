import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { requireWithCodeCache } from "../../src/code-cache.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmp = useTempDirs(afterEach, "cc-");

describe("requireWithCodeCache", () => {
  it("runs a CommonJS file, writes a cache once, and reuses it", () => {
    const src = tmp();
    const cache = tmp();
    const file = path.join(src, "mod.cjs");
    writeFileSync(file, "const path = require('node:path'); module.exports = { twice: (n) => n * 2, sep: path.sep, file: __filename };");
    const first = requireWithCodeCache<{ twice(n: number): number; sep: string; file: string }>(file, cache);
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.sep).toBe(path.sep);
    expect(first.exports.file).toBe(file);
    first.saveCache();
    const written = readdirSync(cache);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^mod\.cjs-\d+-\d+\.v8cache$/);

    const second = requireWithCodeCache<{ twice(n: number): number }>(file, cache);
    expect(second.exports.twice(2)).toBe(4);
    second.saveCache();
    expect(readdirSync(cache)).toEqual(written);
  });

  it("replaces the cache of an older build of the same file", () => {
    const src = tmp();
    const cache = tmp();
    const file = path.join(src, "mod.cjs");
    writeFileSync(file, "module.exports = 1;");
    requireWithCodeCache(file, cache).saveCache();
    writeFileSync(file, "module.exports = 22;");
    const again = requireWithCodeCache<number>(file, cache);
    expect(again.exports).toBe(22);
    again.saveCache();
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(`-${"module.exports = 22;".length}-`);
  });

  it("ignores a corrupt cache file", () => {
    const src = tmp();
    const cache = tmp();
    const file = path.join(src, "mod.cjs");
    writeFileSync(file, "module.exports = 'ok';");
    requireWithCodeCache(file, cache).saveCache();
    const [name] = readdirSync(cache);
    writeFileSync(path.join(cache, name!), Buffer.from("not a v8 cache"));
    expect(requireWithCodeCache<string>(file, cache).exports).toBe("ok");
  });
});
