// One command a client asked to run outside any thread (command/exec, execOneOffCommand): wrapped
// in the sandbox its policy names (a refusal when that sandbox cannot be built, never a plain
// spawn), in its own process group, output kept up to a byte cap, killed on timeout or terminate.
// Output is either buffered for the result or streamed to a callback; stdin may be a pipe the
// caller writes, or the whole thing runs on a pseudo-terminal (node-pty).
import type { Writable } from "node:stream";
import type { SandboxAvailability } from "../sandbox/availability.js";
import type { SandboxPolicy } from "../sandbox/policy.js";
import { isRefusal, prepareSandboxedSpawn } from "../sandbox/prepare-spawn.js";
import { runCommand } from "../tools/exec.js";
import { ByteCap } from "./byte-cap.js";
import { runOnPty, type PtyProcess, type TerminalSize } from "./pty-command.js";

export type OutputStream = "stdout" | "stderr";

export interface OneOffRequest {
  /** argv, program first; not empty. */
  command: string[];
  /** Absolute. */
  cwd: string;
  /** The command's complete environment. */
  env: NodeJS.ProcessEnv;
  policy: SandboxPolicy;
  /** null: no timeout at all. */
  timeoutMs: number | null;
  /** Bytes kept (buffered) or sent (streamed) per stream; null: no cap. */
  outputCap: number | null;
  /** Run on a pseudo-terminal of this size; implies streamed stdin and output. */
  tty?: TerminalSize;
  pipeStdin: boolean;
  /** Output goes here as it arrives instead of into the result. */
  onOutput?: (stream: OutputStream, chunk: Buffer, capReached: boolean) => void;
  /** A promise while the consumer of onOutput is behind: reading pauses until it settles. */
  pace?: () => Promise<void> | undefined;
  sandbox: () => Promise<SandboxAvailability>;
}

export interface OneOffResult {
  exitCode: number;
  /** Killed by the timeout (exitCode 124). */
  timedOut: boolean;
  /** Lossy UTF-8 of the kept bytes; empty when streamed. */
  stdout: string;
  stderr: string;
}

/** Why a command did not run: said to the client as the request's error. */
export class CommandNotRun extends Error {
  constructor(
    message: string,
    /** The sandbox refused (or could not use the cwd) rather than the OS failing the spawn. */
    readonly refused: boolean,
  ) {
    super(message);
  }
}

export interface RunningOneOff {
  /** Settles when the command is over; rejects with CommandNotRun when it never started. */
  readonly result: Promise<OneOffResult>;
  /** Writes to stdin (a pipe or the terminal) and, with `close`, ends it. False when there is no stdin. */
  write(data: Buffer | undefined, close: boolean): boolean;
  /** False when the command has no terminal. */
  resize(size: TerminalSize): boolean;
  /** Kills the process group; the result still comes (exit code 137). */
  terminate(): void;
}

/** Longest timer setTimeout honours; "no timeout" waits this long (24.8 days). */
const FOREVER_MS = 2_147_483_647;
/** End-of-file on a terminal in canonical mode (what ^D sends). */
const TERMINAL_EOF = Buffer.from([4]);

export function startOneOff(request: OneOffRequest): RunningOneOff {
  const abort = new AbortController();
  let stdin: Writable | undefined;
  let pty: PtyProcess | undefined;
  // A resize that arrives before the terminal exists; applied once it does.
  let pendingSize: TerminalSize | undefined;
  // Writes that arrive before the process exists; flushed in order once it does.
  const early: { data: Buffer | undefined; close: boolean }[] = [];
  const keep = request.onOutput === undefined;
  const capture = { stdout: new ByteCap(request.outputCap, keep), stderr: new ByteCap(request.outputCap, keep) };
  const take = (stream: OutputStream, chunk: Buffer) => {
    const kept = capture[stream].take(chunk);
    if (kept === null) return;
    if (request.onOutput && (kept.bytes.length > 0 || kept.capReached)) request.onOutput(stream, kept.bytes, kept.capReached);
  };
  const deliver = (data: Buffer | undefined, close: boolean) => {
    if (pty) {
      if (data && data.length > 0) pty.write(data);
      if (close) pty.write(TERMINAL_EOF);
    } else if (stdin) {
      if (data && data.length > 0) stdin.write(data);
      if (close) stdin.end();
    }
  };

  const result = (async (): Promise<OneOffResult> => {
    const availability = await request.sandbox();
    const prepared = await prepareSandboxedSpawn(request.policy, { command: request.command, cwd: request.cwd, policyCwd: request.cwd, env: request.env }, availability);
    if (isRefusal(prepared)) throw new CommandNotRun(prepared.refused, true);
    const timeoutMs = request.timeoutMs ?? FOREVER_MS;
    let exitCode: number;
    let timedOut: boolean;
    if (request.tty) {
      const ran = await runOnPty(
        { file: prepared.file, args: prepared.args, cwd: prepared.cwd, env: prepared.env, size: request.tty, timeoutMs, signal: abort.signal },
        {
          onStart: (p) => {
            pty = p;
            if (pendingSize) p.resize(pendingSize);
            for (const w of early.splice(0)) deliver(w.data, w.close);
          },
          onOutput: (chunk) => take("stdout", chunk),
          ...(request.pace ? { pace: request.pace } : {}),
        },
      );
      if (ran.spawnError !== null) throw new CommandNotRun(`failed to spawn command: ${ran.spawnError}`, false);
      exitCode = ran.exitCode;
      timedOut = ran.timedOut;
    } else {
      const ran = await runCommand(
        { command: [prepared.file, ...prepared.args], cwd: prepared.cwd, env: prepared.env, timeoutMs, pipeStdin: request.pipeStdin },
        {
          signal: abort.signal,
          onOutput: take,
          onStdin: (s) => {
            stdin = s;
            for (const w of early.splice(0)) deliver(w.data, w.close);
          },
          ...(request.pace ? { pace: request.pace } : {}),
        },
      );
      if (ran.spawnError !== null) throw new CommandNotRun(ran.spawnError.replace(/^failed to run command/, "failed to spawn command"), false);
      if (ran.aborted && ran.pid === null) throw new CommandNotRun("command terminated before it started", false);
      exitCode = ran.exitCode;
      timedOut = ran.timedOut;
    }
    return { exitCode, timedOut, stdout: capture.stdout.text(), stderr: capture.stderr.text() };
  })();

  return {
    result,
    write(data, close) {
      if (!request.tty && !request.pipeStdin) return false;
      if (!pty && !stdin) early.push({ data, close });
      else deliver(data, close);
      return true;
    },
    resize(size) {
      if (!request.tty) return false;
      if (pty) pty.resize(size);
      else pendingSize = size;
      return true;
    },
    terminate() {
      abort.abort();
    },
  };
}
