// What command/exec (v2) and execOneOffCommand (v1) share: the defaults a request leaves out
// (the configured sandbox, the server's cwd, the configured shell environment), the checks on
// what it gives, the connection's table of running commands by processId, and how a command
// that never ran is answered.
import { isAbsolute, normalize } from "node:path";
import type { ConfigSource } from "../config/load.js";
import { serverSandbox } from "../sandbox/availability.js";
import { sandboxPolicyFromConfig, type SandboxPolicy } from "../sandbox/policy.js";
import { ErrorCode, RpcError, rpcErrors } from "../rpc/errors.js";
import { buildShellEnv, parseShellEnvironmentPolicy } from "../tools/shell-env.js";
import { CommandNotRun, startOneOff, type OneOffRequest, type OneOffResult, type RunningOneOff } from "../workspace/one-off-command.js";

export interface OneOffDeps {
  /** Read at each request: config writes apply to the next command. */
  config: ConfigSource;
  env: NodeJS.ProcessEnv;
  sessions: OneOffSessions;
}

/** The commands one connection started with a processId; they die with it. */
export class OneOffSessions {
  private readonly running = new Map<string, RunningOneOff>();
  private readonly anonymous = new Set<RunningOneOff>();

  /** Starts `request`, registered under `processId` until it ends. */
  start(processId: string | undefined, request: Omit<OneOffRequest, "sandbox">, env: NodeJS.ProcessEnv): Promise<OneOffResult> {
    if (processId !== undefined && this.running.has(processId)) {
      throw rpcErrors.invalidRequest(`duplicate active command/exec process id: ${JSON.stringify(processId)}`);
    }
    const command = startOneOff({ ...request, sandbox: () => serverSandbox(env) });
    if (processId !== undefined) this.running.set(processId, command);
    else this.anonymous.add(command);
    const forget = () => {
      if (processId !== undefined) this.running.delete(processId);
      else this.anonymous.delete(command);
    };
    command.result.then(forget, forget);
    return command.result.catch((error: unknown) => {
      if (error instanceof CommandNotRun) {
        throw new RpcError(error.refused ? ErrorCode.InvalidRequest : ErrorCode.InternalError, error.message);
      }
      throw error;
    });
  }

  /** The running command `processId` names, or the reference's error. */
  get(processId: string): RunningOneOff {
    const command = this.running.get(processId);
    if (!command) throw rpcErrors.invalidRequest(`no active command/exec for process id ${JSON.stringify(processId)}`);
    return command;
  }

  /** Kills every command (connection closed, server shutting down); their results still settle. */
  terminateAll(): Promise<unknown> {
    const all = [...this.running.values(), ...this.anonymous];
    for (const command of all) command.terminate();
    return Promise.allSettled(all.map((c) => c.result));
  }
}

/** The request's cwd (absolute, normalized), else the server's own. */
export function commandCwd(cwd: string | undefined): string {
  if (cwd === undefined) return process.cwd();
  if (!isAbsolute(cwd)) throw rpcErrors.invalidParams("cwd", `must be an absolute path, got ${JSON.stringify(cwd)}`);
  return normalize(cwd);
}

export function checkArgv(command: string[]): void {
  if (command.length === 0 || command[0] === "") throw rpcErrors.invalidRequest("command must not be empty");
}

/** The configured sandbox, for a request that names none. */
export function configuredPolicy(config: ConfigSource): SandboxPolicy {
  return sandboxPolicyFromConfig(config.config.sandboxMode, config.config.sandboxWorkspaceWrite);
}

/** The configured shell environment with the request's overrides; a null value unsets a variable. */
export function commandEnv(deps: OneOffDeps, overrides: Record<string, string | null> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = buildShellEnv(parseShellEnvironmentPolicy(deps.config.config.table.shell_environment_policy), deps.env);
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function nonNegative(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && value < 0) throw rpcErrors.invalidParams(field, `must not be negative, got ${value}`);
  return value;
}
