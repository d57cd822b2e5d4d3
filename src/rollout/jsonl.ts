// Rollout lines to and from bytes. Reading works in chunks so a caller can stop early and a huge
// file never becomes one string.
import type { FileHandle } from "node:fs/promises";
import { jsonHoldsRegistered, redactRegistered } from "../logging/redact.js";
import { ROLLOUT_LINE_TYPES, type RolloutLine, type RolloutLineType } from "./types.js";

export function encodeLine(type: RolloutLineType, payload: unknown, now: Date = new Date()): string {
  // `?? null` keeps the payload key: JSON.stringify drops undefined members. A configured secret a
  // command printed (or the model repeated) is not kept on disk; the live history still has it.
  // The plain serialisation is checked first: only a line holding a secret pays for a replacer.
  const line = { timestamp: now.toISOString(), type, payload: payload ?? null };
  const text = JSON.stringify(line);
  return `${jsonHoldsRegistered(text) ? JSON.stringify(line, redactStrings) : text}\n`;
}

function redactStrings(_key: string, value: unknown): unknown {
  return typeof value === "string" ? redactRegistered(value) : value;
}

/** A parsed line, or undefined for anything that is not a well-formed rollout line. */
export function parseLine(text: string): RolloutLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const rec = v as Record<string, unknown>;
  if (typeof rec.timestamp !== "string" || typeof rec.type !== "string" || !ROLLOUT_LINE_TYPES.has(rec.type)) return undefined;
  if (!("payload" in rec)) return undefined;
  return { timestamp: rec.timestamp, type: rec.type as RolloutLineType, payload: rec.payload };
}

export interface RawLine {
  text: string;
  /** False for a last line with no `\n`: it may be torn (a write cut short). */
  terminated: boolean;
}

const NL = 0x0a;

/** Lines of a file from its start. Lines are split as bytes, so UTF-8 never breaks mid-character. */
export async function* readLines(fh: FileHandle, chunkSize = 64 * 1024): AsyncGenerator<RawLine> {
  for await (const batch of readLineBatches(fh, chunkSize)) yield* batch;
}

/** The same lines, a chunk's worth at a time: whole-file readers skip an await per line. */
export async function* readLineBatches(fh: FileHandle, chunkSize = 64 * 1024): AsyncGenerator<RawLine[]> {
  const buf = Buffer.allocUnsafe(chunkSize);
  let carry: Buffer[] = [];
  let position = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, chunkSize, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buf.subarray(0, bytesRead);
    let start = 0;
    const batch: RawLine[] = [];
    for (let nl = chunk.indexOf(NL, start); nl !== -1; nl = chunk.indexOf(NL, start)) {
      const part = chunk.subarray(start, nl);
      const text = carry.length === 0 ? part.toString("utf8") : Buffer.concat([...carry, part]).toString("utf8");
      carry = [];
      start = nl + 1;
      batch.push({ text, terminated: true });
    }
    if (batch.length > 0) yield batch;
    // buf is reused by the next read: keep a copy of the unfinished line.
    if (start < bytesRead) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length > 0) yield [{ text: Buffer.concat(carry).toString("utf8"), terminated: false }];
}

export function isBlank(text: string): boolean {
  return /^\s*$/.test(text);
}
