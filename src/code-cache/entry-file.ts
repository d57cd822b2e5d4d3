// One cache entry on disk: a header naming the runtime, a copy of the source the bytecode was
// compiled from, then V8's cached data. V8 itself only checks the source's length, so the copy is
// what proves the bytecode belongs to this source: compared byte for byte (≈ 0.1 ms) it costs less
// than loading node:crypto to hash it (≈ 4.5 ms of CPU at start-up) and cannot collide.
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";

const MAGIC = "codex-app-server code cache 1";
const GROUP_OTHER_WRITE = 0o022;
// Our entries are under 2 MB; anything far bigger is not one, and is not read into memory.
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export interface CacheEntry {
  /** What the bytecode depends on besides the source: see `runtimeKey`. */
  runtimeKey: string;
  source: Buffer;
  /** V8's cached data. */
  data: Buffer;
}

/** Node and V8 version, arch and flags: bytecode from another runtime would be rejected anyway. */
export function runtimeKey(): string {
  return [process.version, process.versions.v8, process.arch, process.execArgv.join(" "), process.env.NODE_OPTIONS ?? ""]
    .join(" ")
    .replace(/\n/g, " ");
}

export function encodeEntry(entry: CacheEntry): Buffer {
  const header = Buffer.from(`${MAGIC}\n${entry.runtimeKey}\n${entry.source.length}\n`);
  return Buffer.concat([header, entry.source, entry.data]);
}

/** Undefined for anything that is not a whole entry. */
export function decodeEntry(bytes: Buffer): CacheEntry | undefined {
  const magicEnd = bytes.indexOf(10);
  const keyEnd = magicEnd < 0 ? -1 : bytes.indexOf(10, magicEnd + 1);
  const lengthEnd = keyEnd < 0 ? -1 : bytes.indexOf(10, keyEnd + 1);
  if (lengthEnd < 0 || bytes.toString("latin1", 0, magicEnd) !== MAGIC) return undefined;
  const lengthText = bytes.toString("latin1", keyEnd + 1, lengthEnd);
  if (!/^\d+$/.test(lengthText)) return undefined;
  const sourceEnd = lengthEnd + 1 + Number(lengthText);
  if (sourceEnd >= bytes.length) return undefined;
  return {
    runtimeKey: bytes.toString("utf8", magicEnd + 1, keyEnd),
    source: bytes.subarray(lengthEnd + 1, sourceEnd),
    data: bytes.subarray(sourceEnd),
  };
}

/**
 * The entry at `file` when it is a regular file (not a symlink) owned by `uid` that only its
 * owner can write to; undefined otherwise or when it cannot be read.
 */
export function readEntry(file: string, uid: number): CacheEntry | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO in its place must not hang the start.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    // Checked on the open file, so what is checked is what is read.
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.uid !== uid || (stats.mode & GROUP_OTHER_WRITE) !== 0) return undefined;
    if (stats.size > MAX_ENTRY_BYTES) return undefined;
    const bytes = readWhole(fd, stats.size);
    return bytes && decodeEntry(bytes);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

// The size is known from fstat: one buffer, no growing (readFileSync(fd) costs more here).
function readWhole(fd: number, size: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, bytes, filled, size - filled, filled);
    if (n === 0) return undefined;
    filled += n;
  }
  return bytes;
}

/** Writes aside (mode 0600, never through an existing file) and renames: no reader sees half an entry. */
export function writeEntry(file: string, entry: CacheEntry): void {
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(partial, encodeEntry(entry), { flag: "wx", mode: 0o600 });
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
