// The launcher's V8 code cache, seen from outside: a stranger's planted bytecode never runs, a
// stale cache never outlives an upgrade, and no cache folder can stop the server from starting.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry } from "../../src/code-cache/entry-file.js";
import { CODEX_PROTOCOL_VERSION } from "../../src/version.js";
import { startOtlpReceiver } from "../support/otlp-receiver.js";
import { BIN, expectOnlyJsonLines, useServers } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tmp = useTempDirs(afterEach, "code-cache-");
const start = useServers(afterEach, expectOnlyJsonLines);

const REAL_VERSION = (JSON.parse(readFileSync(path.join(BIN, "../../package.json"), "utf8")) as { version: string }).version;
// Same length as any x.y.z version with one-digit parts, so V8 would take either's bytecode.
const OTHER_VERSION = "6.6.6";
const PROTOCOL_VERSION = JSON.stringify(CODEX_PROTOCOL_VERSION);

/** A copy of the installed package (bin/ and dist/) whose bundle carries `version`. */
function install(version = REAL_VERSION): { bin: string; bundle: string } {
  const root = tmp();
  cpSync(path.dirname(BIN), path.join(root, "bin"), { recursive: true });
  cpSync(path.join(BIN, "../../dist"), path.join(root, "dist"), { recursive: true });
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ type: "module" }));
  const bundle = path.join(root, "dist/main.cjs");
  setVersion(bundle, version);
  return { bin: path.join(root, "bin", path.basename(BIN)), bundle };
}

function setVersion(bundle: string, version: string): void {
  const text = readFileSync(bundle, "latin1");
  // The package version; the Codex protocol version the bundle also carries stays as it is.
  const quoted = /"\d+\.\d+\.\d+"/g;
  const found = (text.match(quoted) ?? []).filter((v) => v !== PROTOCOL_VERSION);
  expect(found).toHaveLength(1);
  expect(version).toHaveLength(REAL_VERSION.length);
  writeFileSync(bundle, text.replace(quoted, (v) => (v === PROTOCOL_VERSION ? v : JSON.stringify(version))), "latin1");
}

/** `--version` through the bin; the cache folder named both ways (the old launcher used $TMPDIR). */
function printedVersion(bin: string, cacheDir: string, env: Record<string, string> = {}): string {
  const out = execFileSync(process.execPath, [bin, "--version"], {
    env: { ...process.env, CODEX_APP_SERVER_CACHE_DIR: cacheDir, TMPDIR: path.dirname(cacheDir), ...env },
    encoding: "utf8",
  });
  return out.trim().replace(/^codex-app-server (\S+) \(Codex protocol \S+\)$/, "$1");
}

/** A fresh cache folder path as the launcher would use it; `mode` creates it first. */
function cacheFolder(mode?: number): string {
  const dir = path.join(tmp(), "codex-app-server-cache");
  if (mode !== undefined) {
    mkdirSync(dir);
    chmodSync(dir, mode);
  }
  return dir;
}

function onlyEntry(dir: string): string {
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return path.join(dir, names[0]!);
}

/**
 * A private cache folder holding, under the real install's entry, bytecode compiled from a bundle
 * of the same length that prints OTHER_VERSION: what a stranger would plant.
 */
function plantForeignBytecode(): { bin: string; dir: string; entry: string } {
  const real = install();
  const dir = cacheFolder(0o700);
  expect(printedVersion(real.bin, dir)).toBe(REAL_VERSION);
  const entry = onlyEntry(dir);
  const other = install(OTHER_VERSION);
  const otherDir = cacheFolder(0o700);
  expect(printedVersion(other.bin, otherDir)).toBe(OTHER_VERSION);
  const ours = decodeEntry(readFileSync(entry))!;
  const theirs = decodeEntry(readFileSync(onlyEntry(otherDir)))!;
  writeFileSync(entry, encodeEntry({ ...ours, data: theirs.data }));
  return { bin: real.bin, dir, entry };
}

describe("code cache", () => {
  it("after an upgrade that keeps the bundle's size and mtime, runs the new code", () => {
    const { bin, bundle } = install(OTHER_VERSION);
    const dir = cacheFolder();
    const mtime = new Date("2025-01-01T00:00:00Z");
    utimesSync(bundle, mtime, mtime);
    expect(printedVersion(bin, dir)).toBe(OTHER_VERSION);
    expect(readdirSync(dir)).toHaveLength(1);

    setVersion(bundle, REAL_VERSION);
    utimesSync(bundle, mtime, mtime);
    expect(printedVersion(bin, dir)).toBe(REAL_VERSION);
  });

  it("runs planted bytecode from a folder only we can write to (control for the refusals below)", () => {
    const { bin, dir } = plantForeignBytecode();
    expect(printedVersion(bin, dir)).toBe(OTHER_VERSION);
  });

  it("neither reads nor writes a cache folder that others can write to", () => {
    const { bin, dir, entry } = plantForeignBytecode();
    chmodSync(dir, 0o777);
    const planted = readFileSync(entry);
    expect(printedVersion(bin, dir)).toBe(REAL_VERSION);
    expect(readdirSync(dir)).toEqual([path.basename(entry)]);
    expect(readFileSync(entry).equals(planted)).toBe(true);
  });

  it("refuses a cache folder that is a symlink", () => {
    const { bin, dir } = plantForeignBytecode();
    const link = path.join(tmp(), "codex-app-server-cache");
    symlinkSync(dir, link);
    expect(printedVersion(bin, link)).toBe(REAL_VERSION);
  });

  it.runIf(process.getuid?.() === 0)("refuses a cache folder owned by another user", () => {
    const { bin, dir } = plantForeignBytecode();
    // Only the folder: the entry stays ours, so this pins the folder check.
    chownSync(dir, 65534, 65534);
    expect(printedVersion(bin, dir)).toBe(REAL_VERSION);
  });

  it("keeps its cache in ~/.cache/codex-app-server, or under $XDG_CACHE_HOME, private to the user", async () => {
    const home = tmp();
    const xdg = tmp();
    for (const [env, dir] of [
      [{ HOME: home, XDG_CACHE_HOME: undefined }, path.join(home, ".cache/codex-app-server")],
      [{ HOME: home, XDG_CACHE_HOME: xdg }, path.join(xdg, "codex-app-server")],
    ] as const) {
      const s = start({ env: { ...env, CODEX_APP_SERVER_CACHE_DIR: undefined } });
      expect((await s.initialize()).result).toBeDefined();
      expect((await s.closeStdin()).code).toBe(0);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(onlyEntry(dir)).mode & 0o777).toBe(0o600);
    }
  });

  it("keeps the OpenTelemetry SDK bundle's cache in the same private folder", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const dir = cacheFolder();
      const s = start({
        env: { CODEX_APP_SERVER_CACHE_DIR: dir },
        configToml: `[otel]\nexporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "json" } }\n`,
      });
      expect((await s.initialize()).result).toBeDefined();
      expect((await s.closeStdin()).code).toBe(0);
      expect(receiver.requests.length).toBeGreaterThan(0);
      const sdkEntries = readdirSync(dir).filter((name) => name.startsWith("otel-sdk.cjs-"));
      expect(sdkEntries).toHaveLength(1);
      expect(statSync(path.join(dir, sdkEntries[0]!)).mode & 0o777).toBe(0o600);
    } finally {
      await receiver.close();
    }
  });

  it("starts and answers when no cache folder can be made, or the cache is off", async () => {
    const blocker = path.join(tmp(), "not-a-folder");
    writeFileSync(blocker, "");
    const home = tmp();
    for (const env of [
      { HOME: blocker, XDG_CACHE_HOME: undefined, CODEX_APP_SERVER_CACHE_DIR: undefined },
      { HOME: home, XDG_CACHE_HOME: undefined, CODEX_APP_SERVER_CACHE_DIR: "off" },
    ]) {
      const s = start({ env });
      expect((await s.initialize()).result).toBeDefined();
      expect((await s.closeStdin()).code).toBe(0);
      expect(s.stderr).toBe("");
    }
    expect(readdirSync(home)).toEqual([]);
  });
});
