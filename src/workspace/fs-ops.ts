// The filesystem operations behind fs/*: plain node:fs calls plus the two that need care, an
// atomic write (temp file beside the target, then rename) and a size-capped read.
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
  const handle = await fsp.open(path, constants.O_RDONLY);
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
