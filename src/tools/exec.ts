// Runs one command the model asked for: argv spawned directly (no shell of our own), in its own
// process group so that a timeout, an interrupt or server shutdown can kill everything it started,
// with output streamed to a hook as it arrives and kept in memory only up to a cap.
import { spawn, type ChildProcess } from "node:child_process";
import { stat } from "node:fs/promises";
import { constants as osConstants } from "node:os";
import type { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { CappedText } from "./capped-text.js";
import { forgetGroup, guardGroup } from "./command-reaper.js";

/** The reference's shell-tool default when the model gives no timeout_ms. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/** Exit code reported for a timed-out command, as `timeout(1)` and the reference do. */
export const TIMEOUT_EXIT_CODE = 124;
/** Text kept per stream (and for the aggregate): head and tail halves, the middle counted only. */
export const EXEC_OUTPUT_CAP = 1024 * 1024;
// After the command exits, how long to wait for its pipes to close. A background grandchild
// that inherited them would otherwise keep the call open forever (the reference waits 2 s too).
const IO_DRAIN_TIMEOUT_MS = 2_000;
// setTimeout fires at once for delays above this, so larger timeouts are clamped.
const MAX_TIMER_MS = 2_147_483_647;

export interface ExecRequest {
  command: string[];
  cwd: string;
  /** Defaults to DEFAULT_EXEC_TIMEOUT_MS; values that are not positive finite numbers do too. */
  timeoutMs?: number;
  /** The complete environment of the command (see buildShellEnv); nothing else is inherited. */
  env: NodeJS.ProcessEnv;
  /** A pipe the caller writes (ExecHooks.onStdin) instead of no stdin at all. */
  pipeStdin?: boolean;
}

export interface ExecResult {
  /** The exit status; 128 + N when killed by signal N; 124 on timeout; 127/126/-1 when it never ran. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  aggregatedOutput: string;
  /** Wall time from spawn until the output was collected (fractional milliseconds). */
  durationMs: number;
  timedOut: boolean;
  /** Killed because the caller's signal fired or killAllRunningCommands ran. */
  aborted: boolean;
  /** The process (and process group) id, or null when spawning failed. */
  pid: number | null;
  /** The signal that ended the process, if one did (SIGKILL after a timeout or abort). */
  signal: NodeJS.Signals | null;
  /** Why the command could not be started (the same text is in stderr), else null. */
  spawnError: string | null;
}

export interface ExecHooks {
  signal?: AbortSignal;
  /** Each chunk as read from the pipe (raw bytes; may split UTF-8 sequences). */
  onOutput?(stream: "stdout" | "stderr", chunk: Buffer): void;
  /** Called once the process exists, with its pid (also its process group id). */
  onSpawn?(pid: number): void;
  /** With `pipeStdin`: the command's stdin, once it exists. */
  onStdin?(stdin: Writable): void;
  /**
   * A promise while whoever consumes onOutput is behind (a client not reading): the pipes are not
   * read until it settles, so the command blocks on a full pipe instead of growing our memory.
   */
  pace?(): Promise<void> | undefined;
}

interface RunningCommand {
  /** Kill the group and report the command as aborted. */
  abort(): void;
}

// Process groups of commands still running, by group id.
const running = new Map<number, RunningCommand>();
// Groups whose leader exited while other members (e.g. a `cmd &` daemon) lived on: left alone
// during the session, as the reference does, but killed at shutdown.
const lingering = new Set<number>();
let exitHookInstalled = false;

/** Runs `request.command` to completion, timeout or abort. Never rejects. */
export async function runCommand(request: ExecRequest, hooks: ExecHooks = {}): Promise<ExecResult> {
  const started = performance.now();
  const [program, ...args] = request.command;
  if (program === undefined || program === "") return notStarted(started, "command args are empty", -1);
  if (hooks.signal?.aborted) return { ...notStarted(started, "", -1), aborted: true };

  const cwdProblem = await checkCwd(request.cwd);
  if (cwdProblem !== null) return notStarted(started, cwdProblem, -1);
  if (hooks.signal?.aborted) return { ...notStarted(started, "", -1), aborted: true };

  pruneLingering();
  installExitHook();
  let child: ChildProcess;
  try {
    child = spawn(program, args, {
      cwd: request.cwd,
      env: request.env,
      // A new session and process group: kill(-pid) then reaches every descendant that stayed.
      detached: true,
      stdio: [request.pipeStdin ? "pipe" : "ignore", "pipe", "pipe"],
      windowsHide: true,
    });
  } catch (error) {
    // Synchronous failures: a NUL byte in an argument, an invalid env, ...
    return notStarted(started, spawnErrorText(program, error), spawnExitCode(error));
  }
  // Before anything else: from here on, a server killed outright still takes the group with it.
  if (child.pid !== undefined) guardGroup(child.pid);
  return collect(child, program, request, hooks, started);
}

/** Kills every command still running (and what their finished commands left behind). */
export function killAllRunningCommands(): number {
  let killed = 0;
  for (const command of [...running.values()]) {
    command.abort();
    killed++;
  }
  for (const pgid of lingering) {
    if (killGroup(pgid)) killed++;
  }
  lingering.clear();
  return killed;
}

/** Number of commands currently running (for tests and diagnostics). */
export function runningCommandCount(): number {
  return running.size;
}

function collect(child: ChildProcess, program: string, request: ExecRequest, hooks: ExecHooks, started: number): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve) => {
    const stdout = new CappedText(EXEC_OUTPUT_CAP);
    const stderr = new CappedText(EXEC_OUTPUT_CAP);
    const aggregated = new CappedText(EXEC_OUTPUT_CAP);
    // One decoder per stream: a multi-byte character split across two reads stays whole.
    const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
    const buffers = { stdout, stderr };
    const pid = child.pid ?? null;
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let spawnFailure: unknown = null;
    let settled = false;
    let exited = false;
    let paused = false;
    let drainTimer: NodeJS.Timeout | undefined;

    const resume = () => {
      if (!paused) return;
      paused = false;
      child.stdout?.resume();
      child.stderr?.resume();
      // The command finished while we were not reading: its last output is still in the pipes.
      if (exited) startDrainTimer();
    };
    const pauseStreams = () => {
      child.stdout?.pause();
      child.stderr?.pause();
    };
    const pauseWhileBehind = () => {
      // Node resumes a child's pipes when it exits, but a background grandchild may still be
      // writing into them: keep them paused until the consumer has caught up.
      if (paused) return pauseStreams();
      // A killed command is read to the end at once: nothing may hold up an interrupt or timeout.
      if (aborted || timedOut || !hooks.pace) return;
      let backlog: Promise<void> | undefined;
      try {
        backlog = hooks.pace();
      } catch {
        return;
      }
      if (!backlog) return;
      paused = true;
      pauseStreams();
      backlog.then(resume, resume);
    };

    const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const text = decoders[stream].write(chunk);
      buffers[stream].append(text, chunk.length);
      aggregated.append(text, chunk.length);
      if (hooks.onOutput) {
        try {
          hooks.onOutput(stream, chunk);
        } catch {
          // A failing observer must not break the command or leave it unreaped.
        }
      }
      pauseWhileBehind();
    };
    child.stdout?.on("data", take("stdout"));
    child.stderr?.on("data", take("stderr"));
    // A read error ends the stream like EOF would; unhandled it would crash the server.
    child.stdout?.on("error", () => {});
    child.stderr?.on("error", () => {});

    const kill = () => {
      if (pid !== null) killGroup(pid);
      resume();
    };
    const abort = () => {
      aborted = true;
      kill();
    };
    const timeoutMs = normalizeTimeout(request.timeoutMs);
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    hooks.signal?.addEventListener("abort", abort, { once: true });
    if (pid !== null) running.set(pid, { abort });

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      // The signal usually outlives the command (one per turn): leave nothing attached to it.
      hooks.signal?.removeEventListener("abort", abort);
      if (pid !== null) {
        running.delete(pid);
        if (groupAlive(pid)) lingering.add(pid);
        else forgetGroup(pid);
      }
      for (const stream of ["stdout", "stderr"] as const) {
        const rest = decoders[stream].end();
        buffers[stream].append(rest, 0);
        aggregated.append(rest, 0);
      }
      const durationMs = performance.now() - started;
      if (spawnFailure !== null) {
        const text = spawnErrorText(program, spawnFailure);
        resolve({ ...notStarted(started, text, spawnExitCode(spawnFailure)), durationMs });
        return;
      }
      let code = exitCode ?? (exitSignal !== null ? 128 + (osConstants.signals[exitSignal] ?? 0) : -1);
      if (timedOut) code = TIMEOUT_EXIT_CODE;
      resolve({
        exitCode: code,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        aggregatedOutput: aggregated.toString(),
        durationMs,
        timedOut,
        aborted,
        pid,
        signal: exitSignal,
        spawnError: null,
      });
    };

    // A command that exits without reading its stdin makes our next write fail with EPIPE.
    child.stdin?.on("error", () => {});
    child.on("spawn", () => {
      if (child.stdin && hooks.onStdin) {
        try {
          hooks.onStdin(child.stdin);
        } catch {
          // Observer errors are not the command's.
        }
      }
      if (pid !== null && hooks.onSpawn) {
        try {
          hooks.onSpawn(pid);
        } catch {
          // Observer errors are not the command's.
        }
      }
    });
    child.on("error", (error) => {
      // After a successful spawn this can only be a failed kill; the exit event still comes.
      if (pid !== null) return;
      spawnFailure = error;
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish();
    });
    function startDrainTimer(): void {
      if (drainTimer !== undefined || settled) return;
      drainTimer = setTimeout(() => {
        // Something that outlived the command still holds the pipes: stop reading (it gets
        // SIGPIPE on its next write) and report what we have.
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, IO_DRAIN_TIMEOUT_MS);
    }
    child.on("exit", (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      exited = true;
      clearTimeout(timeoutTimer);
      // While paused the pipes are unread on purpose; the wait starts once reading resumes.
      if (!paused) startDrainTimer();
    });
    // Emitted after the exit and once both pipes have closed.
    child.on("close", finish);
  });
}

function normalizeTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return DEFAULT_EXEC_TIMEOUT_MS;
  return Math.min(Math.ceil(timeoutMs), MAX_TIMER_MS);
}

function notStarted(started: number, message: string, exitCode: number): ExecResult {
  return {
    exitCode,
    stdout: "",
    stderr: message,
    aggregatedOutput: message,
    durationMs: performance.now() - started,
    timedOut: false,
    aborted: false,
    pid: null,
    signal: null,
    spawnError: message === "" ? null : message,
  };
}

async function checkCwd(cwd: string): Promise<string | null> {
  try {
    const info = await stat(cwd);
    return info.isDirectory() ? null : `failed to run command: working directory is not a directory: ${cwd}`;
  } catch {
    return `failed to run command: working directory does not exist: ${cwd}`;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  ENOTDIR: "Not a directory",
  E2BIG: "Argument list too long",
  ENOEXEC: "Exec format error",
  EISDIR: "Is a directory",
};

function spawnErrorText(program: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason = (code !== undefined && ERRNO_TEXT[code]) || (error instanceof Error ? error.message : String(error));
  return `failed to run command \`${program}\`: ${reason}${code !== undefined && ERRNO_TEXT[code] ? ` (${code})` : ""}`;
}

// Shell conventions: 127 "not found", 126 "found but not executable".
function spawnExitCode(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT") return 127;
  if (code === "EACCES" || code === "ENOEXEC" || code === "EISDIR") return 126;
  return -1;
}

function killGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, "SIGKILL");
    return true;
  } catch {
    return false; // already gone
  }
}

/** Whether a process group still has members we could signal. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: alive but not ours to signal, so nothing we could kill later either.
    return false;
  }
}

function pruneLingering(): void {
  for (const pgid of lingering) {
    if (groupAlive(pgid)) continue;
    lingering.delete(pgid);
    forgetGroup(pgid);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the server exits without calling killAllRunningCommands (process.exit
  // from anywhere). process.kill is synchronous, so it works inside an exit handler.
  process.on("exit", () => {
    killAllRunningCommands();
  });
}
