// v1 workspace methods: execOneOffCommand (command/exec's buffered form under v1's policy shape)
// and gitDiffToRemote.
import { stat } from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import type * as p from "../../protocol/v1/workspace.js";
import { ErrorCode, RpcError, rpcErrors } from "../../rpc/errors.js";
import { GitDiffError, gitDiffToRemote as computeGitDiff } from "../../workspace/git-diff-to-remote.js";
import { EXEC_OUTPUT_CAP } from "../../tools/exec.js";
import { checkArgv, commandCwd, commandEnv, configuredPolicy, nonNegative, type OneOffDeps } from "../one-off-exec.js";
import { COMMAND_EXEC_DEFAULT_TIMEOUT_MS } from "../v2/command-exec-handlers.js";

export async function execOneOffCommand(deps: OneOffDeps, params: p.ExecOneOffCommandParams): Promise<p.ExecOneOffCommandResult> {
  checkArgv(params.command);
  const timeoutMs = Math.max(1, nonNegative("timeoutMs", params.timeoutMs) ?? COMMAND_EXEC_DEFAULT_TIMEOUT_MS);
  const result = await deps.sessions.start(
    undefined,
    {
      command: params.command,
      cwd: commandCwd(params.cwd),
      env: commandEnv(deps, undefined),
      policy: params.sandboxPolicy ?? configuredPolicy(deps.config),
      timeoutMs,
      outputCap: EXEC_OUTPUT_CAP,
      pipeStdin: false,
    },
    deps.env,
  );
  // 0.90 answers a timeout as a failed request, not as exit 124.
  if (result.timedOut) throw new RpcError(ErrorCode.InternalError, `exec failed: command timed out after ${timeoutMs} ms`);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

export async function gitDiffToRemote(params: p.GitDiffToRemoteParams): Promise<p.GitDiffToRemoteResult> {
  if (!isAbsolute(params.cwd)) throw rpcErrors.invalidParams("cwd", `must be an absolute path, got ${JSON.stringify(params.cwd)}`);
  const cwd = normalize(params.cwd);
  const isDirectory = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw rpcErrors.invalidRequest(`gitDiffToRemote: ${cwd} is not an existing directory`);
  try {
    return await computeGitDiff(cwd);
  } catch (error) {
    if (error instanceof GitDiffError) throw rpcErrors.invalidRequest(`gitDiffToRemote: ${error.message}`);
    throw error;
  }
}
