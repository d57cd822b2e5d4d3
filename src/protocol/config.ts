// Config as the client sees it: the configWarning notification and getUserSavedConfig.
import * as s from "./schema.js";

export const TextPosition = s.object({ line: s.integer(), column: s.integer() });

/** Sent after `initialize` when config.toml (or an exporter in it) could not be used. */
export const ConfigWarningNotification = s.object({
  summary: s.string(),
  details: s.optional(s.nullable(s.string())),
  path: s.optional(s.nullable(s.string())),
  range: s.optional(s.nullable(s.object({ start: TextPosition, end: TextPosition }))),
});
export type ConfigWarningNotification = s.Infer<typeof ConfigWarningNotification>;

export const AskForApproval = s.enumOf(["untrusted", "on-failure", "on-request", "never"]);
export type AskForApproval = s.Infer<typeof AskForApproval>;
export const SandboxMode = s.enumOf(["read-only", "workspace-write", "danger-full-access"]);
export type SandboxMode = s.Infer<typeof SandboxMode>;
export const ReasoningEffort = s.enumOf(["none", "minimal", "low", "medium", "high", "xhigh"]);
export type ReasoningEffort = s.Infer<typeof ReasoningEffort>;
export const ReasoningSummary = s.enumOf(["auto", "concise", "detailed", "none"]);
export type ReasoningSummary = s.Infer<typeof ReasoningSummary>;
export const Verbosity = s.enumOf(["low", "medium", "high"]);
export type Verbosity = s.Infer<typeof Verbosity>;

const SandboxSettings = s.object({
  writableRoots: s.array(s.string()),
  networkAccess: s.nullable(s.boolean()),
  excludeTmpdirEnvVar: s.nullable(s.boolean()),
  excludeSlashTmp: s.nullable(s.boolean()),
});

const Profile = s.object({
  model: s.nullable(s.string()),
  modelProvider: s.nullable(s.string()),
  approvalPolicy: s.nullable(AskForApproval),
  modelReasoningEffort: s.nullable(ReasoningEffort),
  modelReasoningSummary: s.nullable(ReasoningSummary),
  modelVerbosity: s.nullable(Verbosity),
});

export const UserSavedConfig = s.object({
  approvalPolicy: s.nullable(AskForApproval),
  sandboxMode: s.nullable(SandboxMode),
  sandboxSettings: s.nullable(SandboxSettings),
  forcedChatgptWorkspaceId: s.nullable(s.string()),
  forcedLoginMethod: s.nullable(s.enumOf(["chatgpt", "api"])),
  model: s.nullable(s.string()),
  modelReasoningEffort: s.nullable(ReasoningEffort),
  modelReasoningSummary: s.nullable(ReasoningSummary),
  modelVerbosity: s.nullable(Verbosity),
  tools: s.nullable(s.object({ webSearch: s.nullable(s.boolean()), viewImage: s.nullable(s.boolean()) })),
  profile: s.nullable(s.string()),
  profiles: s.record(Profile),
});
export type UserSavedConfig = s.Infer<typeof UserSavedConfig>;

export const GetUserSavedConfigParams = s.noParams();
export const GetUserSavedConfigResult = s.object({ config: UserSavedConfig });
export type GetUserSavedConfigResult = s.Infer<typeof GetUserSavedConfigResult>;

/** v1 setDefaultModel: writes `model` / `model_reasoning_effort` in config.toml; null removes the key. */
export const SetDefaultModelParams = s.object({
  model: s.optional(s.nullable(s.string())),
  reasoningEffort: s.optional(s.nullable(ReasoningEffort)),
});
export type SetDefaultModelParams = s.Infer<typeof SetDefaultModelParams>;
export const SetDefaultModelResult = s.object({});
