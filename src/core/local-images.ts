// localImage inputs are sent to the model as data URLs, as the reference does; a missing or
// unreadable file becomes a short note to the model instead of failing the turn. What is not an
// image file at all (a FIFO, a device, a directory) or is too large to send is refused: reading a
// FIFO would wait for a writer forever, a device would never end.
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { Stats } from "node:fs";
import path from "node:path";
import type { ContentItem } from "../model/types.js";

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
};

export const MAX_LOCAL_IMAGE_BYTES = 20 * 1024 * 1024;

/** A localImage the turn cannot send; the message names the path and why. */
export class LocalImageError extends Error {
  override name = "LocalImageError";
}

export async function localImageContent(file: string, cwd: string): Promise<ContentItem> {
  const full = path.resolve(cwd, file);
  const mime = MIME[path.extname(full).toLowerCase()] ?? "application/octet-stream";
  let fh: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of blocking.
    fh = await open(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { type: "input_text", text: `[image ${full} could not be read: ${(error as NodeJS.ErrnoException).code ?? "error"}]` };
  }
  try {
    const data = await readRegularFile(fh, full);
    return { type: "input_image", image_url: `data:${mime};base64,${data.toString("base64")}` };
  } catch (error) {
    if (error instanceof LocalImageError) throw error;
    return { type: "input_text", text: `[image ${full} could not be read: ${(error as NodeJS.ErrnoException).code ?? "error"}]` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readRegularFile(fh: FileHandle, full: string): Promise<Buffer> {
  const info = await fh.stat();
  if (!info.isFile()) throw new LocalImageError(`localImage ${full} is not a regular file (${fileKind(info)})`);
  if (info.size > MAX_LOCAL_IMAGE_BYTES) throw tooLarge(full, info.size);
  // Read what stat saw, plus one byte to notice a file that grew past the limit since.
  const buf = Buffer.alloc(Math.min(info.size + 1, MAX_LOCAL_IMAGE_BYTES + 1));
  let length = 0;
  while (length < buf.length) {
    const { bytesRead } = await fh.read(buf, length, buf.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > MAX_LOCAL_IMAGE_BYTES) throw tooLarge(full, length);
  return buf.subarray(0, length);
}

function tooLarge(full: string, size: number): LocalImageError {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return new LocalImageError(`localImage ${full} is larger than ${mb(MAX_LOCAL_IMAGE_BYTES)} (${mb(size)})`);
}

function fileKind(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a file";
}
