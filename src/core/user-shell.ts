// The user's own shell command (v2 thread/shellCommand): a shell string run in the thread's shell
// and cwd with full access, never sandboxed and never asked about, because the user typed it.
// Only that client request leads here; no tool call of the model does. The command streams as a
// commandExecution item (source userShell) and its result joins the history as a
// <user_shell_command> message, so the model sees what the user ran (0.169's format).
import { randomUUID } from "node:crypto";
import { modelLimits } from "../model/model-family.js";
import type { ResponseItem } from "../model/types.js";
import { runCommand, type ExecResult } from "../tools/exec.js";
import { formatExecForClient } from "../tools/exec-output.js";
import { parseCommand } from "../tools/parse-command.js";
import { userShellArgv } from "../tools/user-shell.js";
import type { ExecOutcome } from "./events.js";
import { turnAbortedItem } from "./turn-recorder.js";
import type { TurnDeps, TurnSettings } from "./turn-runner.js";

/** 0.169's limit when the client gives none. */
export const USER_SHELL_TIMEOUT_MS = 60 * 60 * 1000;
const ABORTED = "command aborted by user";

export interface UserShellRequest {
  /** The shell string as the user typed it (trimmed). */
  command: string;
  /** Absent: one hour. 0: times out at once. */
  timeoutMs?: number;
}

export type UserShellDeps = Pick<TurnDeps, "emit" | "recorder" | "shellEnv" | "pace">;

/** The command as a turn of its own (no turn was running). */
export async function runUserShellTurn(turnId: string, settings: TurnSettings, request: UserShellRequest, deps: TurnDeps, signal: AbortSignal): Promise<void> {
  const { contextWindow } = modelLimits(settings.model, settings.modelOverrides);
  deps.emit({ type: "turnStarted", turnId, modelContextWindow: contextWindow });
  deps.recorder.turnStarted(turnId, contextWindow);
  const record = await runUserShellCommand(turnId, settings.cwd, request, deps, signal);
  deps.history.push(record);
  deps.recorder.responseItem(record);
  if (signal.aborted) {
    deps.history.push(turnAbortedItem(turnId));
    deps.recorder.turnAborted(turnId);
    deps.emit({ type: "turnAborted", turnId, reason: "interrupted" });
    return;
  }
  deps.recorder.turnComplete(turnId, null);
  deps.emit({ type: "turnComplete", turnId, lastAgentMessage: null });
}

/** Runs the command as an item of turn `turnId`; returns the message the history gets. */
export async function runUserShellCommand(turnId: string, cwd: string, request: UserShellRequest, deps: UserShellDeps, signal: AbortSignal): Promise<ResponseItem> {
  const command = userShellArgv(request.command);
  const parsedCmd = parseCommand(command);
  const callId = randomUUID();
  const startedAtMs = Date.now();
  deps.emit({ type: "execBegin", turnId, callId, command, cwd, parsedCmd, source: "userShell" });
  // Node cannot time out sooner than 1 ms: that is "at once".
  const timeoutMs = request.timeoutMs === undefined ? USER_SHELL_TIMEOUT_MS : Math.max(request.timeoutMs, 1);
  const run = await runCommand(
    { command, cwd, env: deps.shellEnv(), timeoutMs },
    {
      signal,
      onOutput: (stream, chunk) => deps.emit({ type: "execOutputDelta", turnId, callId, stream, chunk, source: "userShell" }),
      ...(deps.pace ? { pace: deps.pace } : {}),
    },
  );
  // An interrupt reports what 0.169 does: nothing of the output, only that the user stopped it.
  const result: ExecResult = run.aborted ? { ...run, exitCode: -1, stdout: "", stderr: ABORTED, aggregatedOutput: ABORTED, durationMs: 0 } : run;
  const outcome: ExecOutcome = {
    stdout: result.stdout,
    stderr: result.stderr,
    aggregatedOutput: result.aggregatedOutput,
    exitCode: result.exitCode,
    // Whole milliseconds, cut as 0.169's Duration::as_millis does (the rollout keeps the same).
    durationMs: Math.floor(result.durationMs),
    formattedOutput: formatExecForClient(result),
  };
  const end = { type: "execEnd" as const, turnId, callId, command, cwd, parsedCmd, outcome, status: result.exitCode === 0 ? ("completed" as const) : ("failed" as const), source: "userShell" as const };
  deps.emit(end);
  deps.recorder.userShellEnd(end, startedAtMs, Date.now());
  return userShellRecord(request.command, result);
}

/** `<user_shell_command>` with the command, exit code, duration (4 decimals) and the output as the model reads command output. */
export function userShellRecord(command: string, result: ExecResult): ResponseItem {
  const text = [
    "<user_shell_command>",
    "<command>",
    command,
    "</command>",
    "<result>",
    `Exit code: ${result.exitCode}`,
    `Duration: ${(Math.max(0, result.durationMs) / 1000).toFixed(4)} seconds`,
    "Output:",
    formatExecForClient(result),
    "</result>",
    "</user_shell_command>",
  ].join("\n");
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
