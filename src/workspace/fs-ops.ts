// The filesystem operations behind fs/*: plain node:fs calls plus the ones that need care, an
// atomic write (temp file beside the target, then rename), a size-capped read and a copy that
// never opens a FIFO or a device.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import * as fsp from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Largest file fs/readFile returns: its base64 (4/3 larger) stays well inside a 32 MiB JSON line, our own inbound cap. */
export const READ_FILE_CAP_BYTES = 16 * 1024 * 1024;

export class FileTooLarge extends Error {
  constructor(readonly size: number) {
    super(`file is ${size} bytes; fs/readFile returns at most ${READ_FILE_CAP_BYTES}`);
  }
}
export class NotAFile extends Error {}

export async function readCapped(path: string): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, holding one of libuv's few
  // threads forever; O_NOCTTY: a terminal must not become our controlling one. Neither changes
  // how a regular file reads.
  const handle = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new NotAFile();
    if (st.size > READ_FILE_CAP_BYTES) throw new FileTooLarge(st.size);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` whole or not at all; an existing file keeps its mode and owner; a symlink is written through. */
export async function writeAtomic(path: string, data: Buffer): Promise<void> {
  const target = await fsp.realpath(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return path;
    throw e;
  });
  const existing = await fsp.stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  if (existing?.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await fsp.writeFile(temp, data, { flag: "wx", mode: existing ? existing.mode & 0o7777 : 0o666 });
    if (existing) {
      // Owner first: chown may clear setuid bits, which the chmod then restores.
      await fsp.chown(temp, existing.uid, existing.gid).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EPERM") throw e; // not ours to give away: the file stays the writer's
      });
      await fsp.chmod(temp, existing.mode & 0o7777);
    }
    await fsp.rename(temp, target);
  } catch (e) {
    await fsp.rm(temp, { force: true });
    throw e;
  }
}

/** Copies a regular file, or a directory tree when `recursive`; anything else (FIFO, socket, device) is NotAFile. */
export async function copyEntry(source: string, destination: string, recursive: boolean): Promise<"copied" | "needsRecursive"> {
  const st = await fsp.stat(source);
  if (st.isDirectory()) {
    if (!recursive) return "needsRecursive";
    // Node's cp refuses FIFOs, sockets and devices inside the tree itself.
    await fsp.cp(source, destination, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
    return "copied";
  }
  // copyFile would open a FIFO source and wait for a writer forever.
  if (!st.isFile()) throw new NotAFile();
  await fsp.copyFile(source, destination);
  return "copied";
}
