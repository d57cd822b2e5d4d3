// command/exec and its follow-ups (write, resize, terminate), with codex 0.169's rules on which
// options go together and its error texts.
import type * as p from "../../protocol/v2/command-exec.js";
import { rpcErrors } from "../../rpc/errors.js";
import { sandboxPolicyFromV2 } from "../../sandbox/policy.js";
import { EXEC_OUTPUT_CAP } from "../../tools/exec.js";
import { checkArgv, commandCwd, commandEnv, configuredPolicy, nonNegative, type OneOffDeps } from "../one-off-exec.js";

export interface CommandExecDeps extends OneOffDeps {
  notify(method: "command/exec/outputDelta", params: p.CommandExecOutputDeltaNotification): void;
  /** A promise while the client has a backlog of unread output. */
  pace(): Promise<void> | undefined;
}

/** The reference's default timeout for command/exec, as for the shell tool. */
export const COMMAND_EXEC_DEFAULT_TIMEOUT_MS = 10_000;
/** The terminal a tty request gets when it names no size. */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

export async function commandExec(deps: CommandExecDeps, params: p.CommandExecParams): Promise<p.CommandExecResponse> {
  checkArgv(params.command);
  const tty = params.tty === true;
  const stream = tty || params.streamStdoutStderr === true;
  const pipeStdin = !tty && params.streamStdin === true;
  if ((tty || stream || pipeStdin) && params.processId === undefined) {
    throw rpcErrors.invalidRequest("command/exec tty or streaming requires a client-supplied processId");
  }
  if (params.size !== undefined && !tty) throw rpcErrors.invalidParams("size", "command/exec size requires tty: true");
  if (params.timeoutMs !== undefined && params.disableTimeout === true) {
    throw rpcErrors.invalidParams("timeoutMs", "command/exec cannot set both timeoutMs and disableTimeout");
  }
  if (params.outputBytesCap !== undefined && params.disableOutputCap === true) {
    throw rpcErrors.invalidParams("outputBytesCap", "command/exec cannot set both outputBytesCap and disableOutputCap");
  }
  const timeoutMs = nonNegative("timeoutMs", params.timeoutMs);
  const cap = nonNegative("outputBytesCap", params.outputBytesCap);
  const cwd = commandCwd(params.cwd);
  const processId = params.processId;
  const result = await deps.sessions.start(
    processId,
    {
      command: params.command,
      cwd,
      env: commandEnv(deps, params.env),
      policy: params.sandboxPolicy ? sandboxPolicyFromV2(params.sandboxPolicy) : configuredPolicy(deps.config),
      timeoutMs: params.disableTimeout === true ? null : Math.max(1, timeoutMs ?? COMMAND_EXEC_DEFAULT_TIMEOUT_MS),
      // Uncapped output is still bounded when buffered: it all has to fit in one response line.
      outputCap: params.disableOutputCap === true ? (stream ? null : UNCAPPED_BUFFER_LIMIT) : (cap ?? EXEC_OUTPUT_CAP),
      pipeStdin,
      ...(tty ? { tty: params.size ?? DEFAULT_SIZE } : {}),
      ...(stream && processId !== undefined
        ? {
            onOutput: (s: "stdout" | "stderr", chunk: Buffer, capReached: boolean) =>
              deps.notify("command/exec/outputDelta", { processId, stream: s, deltaBase64: chunk.toString("base64"), capReached }),
            pace: deps.pace,
          }
        : {}),
    },
    deps.env,
  );
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * What "no output cap" keeps of a buffered stream: the response is one JSON line, and the server
 * holds it whole until written, so a command printing gigabytes must still stop somewhere.
 */
export const UNCAPPED_BUFFER_LIMIT = 8 * 1024 * 1024;

export function commandExecWrite(deps: CommandExecDeps, params: p.CommandExecWriteParams): Record<string, never> {
  const command = deps.sessions.get(params.processId);
  let data: Buffer | undefined;
  if (params.deltaBase64 !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(params.deltaBase64) || params.deltaBase64.length % 4 === 1) {
      throw rpcErrors.invalidParams("deltaBase64", "must be valid base64");
    }
    data = Buffer.from(params.deltaBase64, "base64");
  }
  if (!command.write(data, params.closeStdin === true)) {
    throw rpcErrors.invalidRequest(`command/exec ${JSON.stringify(params.processId)} was not started with streamStdin or tty`);
  }
  return {};
}

export function commandExecResize(deps: CommandExecDeps, params: p.CommandExecResizeParams): Record<string, never> {
  const command = deps.sessions.get(params.processId);
  if (!command.resize(params.size)) throw rpcErrors.invalidRequest(`command/exec ${JSON.stringify(params.processId)} has no tty to resize`);
  return {};
}

export function commandExecTerminate(deps: CommandExecDeps, params: p.CommandExecTerminateParams): Record<string, never> {
  deps.sessions.get(params.processId).terminate();
  return {};
}
