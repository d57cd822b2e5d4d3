// v2 command/exec (codex 0.169's shapes): a one-off command outside any thread, buffered or
// streamed (output as base64 notifications, stdin writes, a pty), addressed by a client-chosen,
// connection-scoped processId.
import * as s from "../schema.js";
import { SandboxPolicyV2 } from "./sandbox.js";

export const CommandExecTerminalSize = s.object({ cols: s.integer(), rows: s.integer() });
export type CommandExecTerminalSize = s.Infer<typeof CommandExecTerminalSize>;

export const CommandExecParams = s.object({
  command: s.array(s.string()),
  cwd: s.optional(s.string()),
  env: s.optional(s.record(s.nullable(s.string()))),
  sandboxPolicy: s.optional(SandboxPolicyV2),
  timeoutMs: s.optional(s.integer()),
  disableTimeout: s.optional(s.boolean()),
  outputBytesCap: s.optional(s.integer()),
  disableOutputCap: s.optional(s.boolean()),
  processId: s.optional(s.string()),
  tty: s.optional(s.boolean()),
  size: s.optional(CommandExecTerminalSize),
  streamStdin: s.optional(s.boolean()),
  streamStdoutStderr: s.optional(s.boolean()),
});
export type CommandExecParams = s.Infer<typeof CommandExecParams>;

/** Streamed output is not repeated here: a streamed stream's field is empty. */
export const CommandExecResponse = s.object({ exitCode: s.integer(), stdout: s.string(), stderr: s.string() });
export type CommandExecResponse = s.Infer<typeof CommandExecResponse>;

export const CommandExecWriteParams = s.object({
  processId: s.string(),
  deltaBase64: s.optional(s.string()),
  closeStdin: s.optional(s.boolean()),
});
export type CommandExecWriteParams = s.Infer<typeof CommandExecWriteParams>;

export const CommandExecResizeParams = s.object({ processId: s.string(), size: CommandExecTerminalSize });
export type CommandExecResizeParams = s.Infer<typeof CommandExecResizeParams>;

export const CommandExecTerminateParams = s.object({ processId: s.string() });
export type CommandExecTerminateParams = s.Infer<typeof CommandExecTerminateParams>;

/** write, resize and terminate answer `{}`. */
export const CommandExecEmptyResponse = s.object({});

export const CommandExecOutputDeltaNotification = s.object({
  processId: s.string(),
  stream: s.enumOf(["stdout", "stderr"]),
  deltaBase64: s.string(),
  /** True on a stream's last chunk when the cap cut what followed. */
  capReached: s.boolean(),
});
export type CommandExecOutputDeltaNotification = s.Infer<typeof CommandExecOutputDeltaNotification>;
