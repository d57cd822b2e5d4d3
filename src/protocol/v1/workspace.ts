// v1 workspace methods (codex 0.90's shapes): a one-off sandboxed command and the diff against
// the remote branch.
import * as s from "../schema.js";
import { SandboxPolicy } from "./common.js";

export const ExecOneOffCommandParams = s.object({
  command: s.array(s.string()),
  cwd: s.optional(s.string()),
  timeoutMs: s.optional(s.integer()),
  sandboxPolicy: s.optional(SandboxPolicy),
});
export type ExecOneOffCommandParams = s.Infer<typeof ExecOneOffCommandParams>;
export const ExecOneOffCommandResult = s.object({ exitCode: s.integer(), stdout: s.string(), stderr: s.string() });
export type ExecOneOffCommandResult = s.Infer<typeof ExecOneOffCommandResult>;

export const GitDiffToRemoteParams = s.object({ cwd: s.string() });
export type GitDiffToRemoteParams = s.Infer<typeof GitDiffToRemoteParams>;
/** `sha`: the merge base the diff starts from; `diff`: the working tree (untracked files too) against it. */
export const GitDiffToRemoteResult = s.object({ sha: s.string(), diff: s.string() });
export type GitDiffToRemoteResult = s.Infer<typeof GitDiffToRemoteResult>;
