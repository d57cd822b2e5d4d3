// How a finished command is reported: the function_call_output string the model reads, and the
// formatted_output clients get in exec_command_end. Both say when the command timed out and are
// cut to a budget the model can afford (the reference's byte truncation policy: 10 000 bytes).
import type { ExecResult } from "./exec.js";

/** The model-facing byte budget for one command's output (turn_context truncation_policy). */
export const MODEL_OUTPUT_BYTE_BUDGET = 10_000;
/** What the model and the client are told when the user denies a command. */
export const EXEC_REJECTED_BY_USER = "exec command rejected by user";

/**
 * The function_call_output for a shell call:
 * `{"output":"<text>","metadata":{"exit_code":0,"duration_seconds":0.7}}`.
 */
export function formatFunctionCallOutput(result: ExecResult): string {
  const output = formatExecForClient(result);
  // Built by hand to print the duration as the reference's serde does: always with a fraction
  // (1.0, not 1), rounded to one decimal.
  return `{"output":${JSON.stringify(output)},"metadata":{"exit_code":${result.exitCode},"duration_seconds":${formatSeconds(result.durationMs)}}}`;
}

/** The output text with a timeout note, truncated for the model (exec_command_end formatted_output). */
export function formatExecForClient(result: ExecResult): string {
  const text = result.timedOut ? `command timed out after ${Math.round(result.durationMs)} milliseconds\n${result.aggregatedOutput}` : result.aggregatedOutput;
  return truncateForModel(text, MODEL_OUTPUT_BYTE_BUDGET);
}

/**
 * Keeps `text` within `maxBytes` UTF-8 bytes by cutting out the middle (the start and the end
 * usually matter most) and saying how much went; a note with the total line count goes first.
 */
export function truncateForModel(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const headEnd = charBoundaryAtOrBefore(bytes, Math.floor(maxBytes / 2));
  const tailStart = Math.max(headEnd, charBoundaryAtOrAfter(bytes, bytes.length - (maxBytes - Math.floor(maxBytes / 2))));
  const head = bytes.subarray(0, headEnd).toString("utf8");
  const tail = bytes.subarray(tailStart).toString("utf8");
  const removedChars = countChars(bytes.subarray(headEnd, tailStart).toString("utf8"));
  return `Total output lines: ${countLines(text)}\n\n${head}…${removedChars} chars truncated…${tail}`;
}

/** Seconds with one decimal, always printed with a fraction (0.7, 12.0). */
export function formatSeconds(durationMs: number): string {
  const tenths = Math.round(Math.max(0, durationMs) / 100);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

// Lines as Rust's str::lines counts them: a final newline does not start another line.
function countLines(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function charBoundaryAtOrBefore(bytes: Buffer, index: number): number {
  let i = Math.min(index, bytes.length);
  while (i > 0 && isContinuationByte(bytes[i])) i--;
  return i;
}

function charBoundaryAtOrAfter(bytes: Buffer, index: number): number {
  let i = Math.max(0, index);
  while (i < bytes.length && isContinuationByte(bytes[i])) i++;
  return i;
}
