// stdout belongs to the protocol. This module is imported first: it keeps the real stdout write
// for the protocol writer and sends everything else (console.*, stray process.stdout.write calls
// from libraries) to stderr.
import { format } from "node:util";
import type { ProtocolOutput } from "./ndjson-writer.js";

const stdout = process.stdout;
const realWrite = stdout.write.bind(stdout) as (data: string, cb: (error?: Error | null) => void) => boolean;

stdout.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) =>
  (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, cb)) as typeof stdout.write;

const toStderr = (...args: unknown[]) => {
  process.stderr.write(`${format(...args)}\n`);
};
for (const name of ["log", "info", "debug", "warn", "error", "trace", "dir"] as const) {
  (console as unknown as Record<string, unknown>)[name] = toStderr;
}

export const protocolOutput: ProtocolOutput = {
  write: (data, done) => realWrite(data, done),
  stream: stdout,
};
