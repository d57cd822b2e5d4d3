// localImage inputs are sent to the model as data URLs, as the reference does; an unreadable file
// becomes a short note to the model instead of failing the turn.
import { readFile } from "node:fs/promises";
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

export async function localImageContent(file: string, cwd: string): Promise<ContentItem> {
  const full = path.resolve(cwd, file);
  const mime = MIME[path.extname(full).toLowerCase()] ?? "application/octet-stream";
  try {
    const data = await readFile(full);
    return { type: "input_image", image_url: `data:${mime};base64,${data.toString("base64")}` };
  } catch (error) {
    return { type: "input_text", text: `[image ${full} could not be read: ${(error as NodeJS.ErrnoException).code ?? "error"}]` };
  }
}
