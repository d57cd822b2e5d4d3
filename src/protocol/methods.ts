// The method table: every request a client may send and every notification we send, by name.
// Handlers, the router and the published schema all read from here.
import * as s from "./schema.js";
import type { Schema } from "./schema.js";
import * as config from "./config.js";
import * as fuzzy from "./fuzzy-search.js";
import * as init from "./initialize.js";
import * as v1acc from "./v1/account.js";
import * as v1a from "./v1/approvals.js";
import * as v1 from "./v1/common.js";
import * as v1c from "./v1/conversation.js";
import * as v1h from "./v1/history.js";
import * as v1w from "./v1/workspace.js";
import * as v2acc from "./v2/account.js";
import * as v2a from "./v2/approvals.js";
import * as v2c from "./v2/config.js";
import * as v2x from "./v2/command-exec.js";
import * as v2i from "./v2/item.js";
import * as v2fs from "./v2/fs.js";
import * as v2m from "./v2/model.js";
import * as v2mcp from "./v2/mcp.js";
import * as v2r from "./v2/review.js";
import * as v2sk from "./v2/skills.js";
import * as v2th from "./v2/thread.js";
import * as v2tl from "./v2/thread-lifecycle.js";
import * as v2t from "./v2/turn.js";

export interface MethodContract<P, R> {
  readonly params: Schema<P>;
  readonly result: Schema<R>;
  /** Callable before `initialize` has succeeded. */
  readonly beforeInitialize?: boolean;
}

function method<P, R>(params: Schema<P>, result: Schema<R>, beforeInitialize = false): MethodContract<P, R> {
  return { params, result, beforeInitialize };
}

export const clientRequests = {
  initialize: method(init.InitializeParams, init.InitializeResult, true),
  getUserAgent: method(init.GetUserAgentParams, init.GetUserAgentResult),
  getUserSavedConfig: method(config.GetUserSavedConfigParams, config.GetUserSavedConfigResult),
  setDefaultModel: method(config.SetDefaultModelParams, config.SetDefaultModelResult),
  "config/read": method(v2c.ConfigReadParams, v2c.ConfigReadResponse),
  "config/value/write": method(v2c.ConfigValueWriteParams, v2c.ConfigWriteResponse),
  "config/batchWrite": method(v2c.ConfigBatchWriteParams, v2c.ConfigWriteResponse),
  "configRequirements/read": method(v2c.ConfigRequirementsReadParams, v2c.ConfigRequirementsReadResponse),
  newConversation: method(v1.NewConversationParams, v1.NewConversationResult),
  addConversationListener: method(v1c.AddConversationListenerParams, v1c.AddConversationListenerResult),
  removeConversationListener: method(v1c.RemoveConversationListenerParams, v1c.EmptyResult),
  sendUserMessage: method(v1c.SendUserMessageParams, v1c.EmptyResult),
  sendUserTurn: method(v1c.SendUserTurnParams, v1c.EmptyResult),
  interruptConversation: method(v1c.InterruptConversationParams, v1c.InterruptConversationResult),
  listConversations: method(v1h.ListConversationsParams, v1h.ListConversationsResult),
  getConversationSummary: method(v1h.GetConversationSummaryParams, v1h.GetConversationSummaryResult),
  resumeConversation: method(v1h.ResumeConversationParams, v1h.ResumeConversationResult),
  forkConversation: method(v1h.ForkConversationParams, v1h.ResumeConversationResult),
  archiveConversation: method(v1h.ArchiveConversationParams, v1c.EmptyResult),
  getAuthStatus: method(v1acc.GetAuthStatusParams, v1acc.GetAuthStatusResult),
  loginApiKey: method(v1acc.LoginApiKeyParams, v1c.EmptyResult),
  logoutChatGpt: method(s.noParams(), v1c.EmptyResult),
  userInfo: method(s.noParams(), v1acc.UserInfoResult),
  "account/read": method(v2acc.GetAccountParams, v2acc.GetAccountResponse),
  "account/login/start": method(v2acc.LoginAccountParams, v2acc.LoginAccountResponse),
  "account/login/cancel": method(v2acc.CancelLoginAccountParams, v2acc.CancelLoginAccountResponse),
  "account/logout": method(s.noParams(), v2acc.LogoutAccountResponse),
  "account/rateLimits/read": method(s.noParams(), v2acc.GetAccountRateLimitsResponse),
  "model/list": method(v2m.ModelListParams, v2m.ModelListResponse),
  "fs/readFile": method(v2fs.FsReadFileParams, v2fs.FsReadFileResponse),
  "fs/writeFile": method(v2fs.FsWriteFileParams, v2fs.FsEmptyResponse),
  "fs/createDirectory": method(v2fs.FsCreateDirectoryParams, v2fs.FsEmptyResponse),
  "fs/getMetadata": method(v2fs.FsGetMetadataParams, v2fs.FsGetMetadataResponse),
  "fs/readDirectory": method(v2fs.FsReadDirectoryParams, v2fs.FsReadDirectoryResponse),
  "fs/remove": method(v2fs.FsRemoveParams, v2fs.FsEmptyResponse),
  "fs/copy": method(v2fs.FsCopyParams, v2fs.FsEmptyResponse),
  "fs/watch": method(v2fs.FsWatchParams, v2fs.FsWatchResponse),
  "fs/unwatch": method(v2fs.FsUnwatchParams, v2fs.FsEmptyResponse),
  "command/exec": method(v2x.CommandExecParams, v2x.CommandExecResponse),
  "command/exec/write": method(v2x.CommandExecWriteParams, v2x.CommandExecEmptyResponse),
  "command/exec/resize": method(v2x.CommandExecResizeParams, v2x.CommandExecEmptyResponse),
  "command/exec/terminate": method(v2x.CommandExecTerminateParams, v2x.CommandExecEmptyResponse),
  execOneOffCommand: method(v1w.ExecOneOffCommandParams, v1w.ExecOneOffCommandResult),
  gitDiffToRemote: method(v1w.GitDiffToRemoteParams, v1w.GitDiffToRemoteResult),
  "thread/start": method(v2th.ThreadStartParams, v2th.ThreadResponse),
  "thread/resume": method(v2th.ThreadResumeParams, v2th.ThreadResumeResponse),
  "thread/fork": method(v2th.ThreadForkParams, v2th.ThreadResponse),
  "thread/archive": method(v2th.ThreadArchiveParams, v2t.EmptyResponse),
  "thread/name/set": method(v2th.ThreadSetNameParams, v2t.EmptyResponse),
  "thread/unarchive": method(v2th.ThreadUnarchiveParams, v2th.ThreadUnarchiveResponse),
  "thread/list": method(v2th.ThreadListParams, v2th.ThreadListResponse),
  "thread/read": method(v2th.ThreadReadParams, v2th.ThreadReadResponse),
  "thread/loaded/list": method(v2th.ThreadLoadedListParams, v2th.ThreadLoadedListResponse),
  "thread/compact/start": method(v2th.ThreadCompactStartParams, v2th.ThreadCompactStartResponse),
  "thread/shellCommand": method(v2th.ThreadShellCommandParams, v2th.ThreadShellCommandResponse),
  "turn/start": method(v2t.TurnStartParams, v2t.TurnStartResponse),
  "turn/interrupt": method(v2t.TurnInterruptParams, v2t.EmptyResponse),
  "thread/delete": method(v2tl.ThreadDeleteParams, v2t.EmptyResponse),
  "thread/unsubscribe": method(v2tl.ThreadUnsubscribeParams, v2tl.ThreadUnsubscribeResponse),
  "thread/turns/list": method(v2tl.ThreadTurnsListParams, v2tl.ThreadTurnsListResponse),
  "thread/items/list": method(v2tl.ThreadItemsListParams, v2tl.ThreadItemsListResponse),
  "thread/rollback": method(v2tl.ThreadRollbackParams, v2tl.ThreadRollbackResponse),
  "turn/steer": method(v2tl.TurnSteerParams, v2tl.TurnSteerResponse),
  "mcpServerStatus/list": method(v2mcp.ListMcpServerStatusParams, v2mcp.ListMcpServerStatusResponse),
  "config/mcpServer/reload": method(s.noParams(), v2mcp.McpServerRefreshResponse),
  "mcpServer/resource/read": method(v2mcp.McpResourceReadParams, v2mcp.McpResourceReadResponse),
  "mcpServer/tool/call": method(v2mcp.McpServerToolCallParams, v2mcp.McpServerToolCallResponse),
  fuzzyFileSearch: method(fuzzy.FuzzyFileSearchParams, fuzzy.FuzzyFileSearchResponse),
  "fuzzyFileSearch/sessionStart": method(fuzzy.FuzzyFileSearchSessionStartParams, fuzzy.FuzzyFileSearchSessionResponse),
  "fuzzyFileSearch/sessionUpdate": method(fuzzy.FuzzyFileSearchSessionUpdateParams, fuzzy.FuzzyFileSearchSessionResponse),
  "fuzzyFileSearch/sessionStop": method(fuzzy.FuzzyFileSearchSessionStopParams, fuzzy.FuzzyFileSearchSessionResponse),
  "skills/list": method(v2sk.SkillsListParams, v2sk.SkillsListResponse),
  "skills/config/write": method(v2sk.SkillsConfigWriteParams, v2sk.SkillsConfigWriteResponse),
  "experimentalFeature/list": method(v2sk.ExperimentalFeatureListParams, v2sk.ExperimentalFeatureListResponse),
  "collaborationMode/list": method(v2sk.CollaborationModeListParams, v2sk.CollaborationModeListResponse),
  "app/list": method(v2sk.AppsListParams, v2sk.AppsListResponse),
  "review/start": method(v2r.ReviewStartParams, v2r.ReviewStartResponse),
} as const;

export type ClientRequests = typeof clientRequests;
export type ClientMethod = keyof ClientRequests;
export type ParamsOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<infer P, unknown> ? P : never;
export type ResultOf<M extends ClientMethod> = ClientRequests[M] extends MethodContract<unknown, infer R> ? R : never;

export const serverNotifications = {
  configWarning: config.ConfigWarningNotification,
  sessionConfigured: v1h.SessionConfiguredNotification,
  "thread/started": v2th.ThreadStartedNotification,
  "thread/name/updated": v2th.ThreadNameUpdatedNotification,
  "thread/archived": v2th.ThreadArchivedNotification,
  "thread/unarchived": v2th.ThreadUnarchivedNotification,
  "serverRequest/resolved": v2a.ServerRequestResolvedNotification,
  "thread/deleted": v2tl.ThreadDeletedNotification,
  "thread/closed": v2tl.ThreadClosedNotification,
  "thread/status/changed": v2tl.ThreadStatusChangedNotification,
  "thread/compacted": v2th.ContextCompactedNotification,
  "turn/started": v2t.TurnStartedNotification,
  "turn/completed": v2t.TurnCompletedNotification,
  "turn/plan/updated": v2i.TurnPlanUpdatedNotification,
  "item/started": v2i.ItemStartedNotification,
  "item/completed": v2i.ItemCompletedNotification,
  "item/agentMessage/delta": v2i.AgentMessageDeltaNotification,
  "item/reasoning/summaryTextDelta": v2i.ReasoningSummaryTextDeltaNotification,
  "item/reasoning/summaryPartAdded": v2i.ReasoningSummaryPartAddedNotification,
  "item/reasoning/textDelta": v2i.ReasoningTextDeltaNotification,
  "item/commandExecution/outputDelta": v2i.CommandExecutionOutputDeltaNotification,
  "item/fileChange/outputDelta": v2i.FileChangeOutputDeltaNotification,
  "turn/diff/updated": v2i.TurnDiffUpdatedNotification,
  "thread/tokenUsage/updated": v2i.ThreadTokenUsageUpdatedNotification,
  error: v2i.ErrorNotification,
  "mcpServer/startupStatus/updated": v2mcp.McpServerStatusUpdatedNotification,
  "item/mcpToolCall/progress": v2mcp.McpToolCallProgressNotification,
  authStatusChange: v1acc.AuthStatusChangeNotification,
  "account/updated": v2acc.AccountUpdatedNotification,
  "account/login/completed": v2acc.AccountLoginCompletedNotification,
  "command/exec/outputDelta": v2x.CommandExecOutputDeltaNotification,
  "fs/changed": v2fs.FsChangedNotification,
  "account/rateLimits/updated": v2acc.AccountRateLimitsUpdatedNotification,
  "fuzzyFileSearch/sessionUpdated": fuzzy.FuzzyFileSearchSessionUpdatedNotification,
  "fuzzyFileSearch/sessionCompleted": fuzzy.FuzzyFileSearchSessionCompletedNotification,
} as const;

export type ServerNotifications = typeof serverNotifications;
export type NotificationMethod = keyof ServerNotifications;

/** Notification families: every method starting with the prefix carries these params. */
export const serverNotificationFamilies = {
  "codex/event/": v1c.EventNotification,
} as const;

export interface ServerRequestContract<P, R> {
  readonly params: Schema<P>;
  /** What the client answers with. */
  readonly result: Schema<R>;
}

function serverRequest<P, R>(params: Schema<P>, result: Schema<R>): ServerRequestContract<P, R> {
  return { params, result };
}

/** Requests the server sends to the client. */
export const serverRequests = {
  execCommandApproval: serverRequest(v1a.ExecCommandApprovalParams, v1a.ExecCommandApprovalResponse),
  "item/commandExecution/requestApproval": serverRequest(
    v2a.CommandExecutionRequestApprovalParams,
    v2a.CommandExecutionRequestApprovalResponse,
  ),
  applyPatchApproval: serverRequest(v1a.ApplyPatchApprovalParams, v1a.ApplyPatchApprovalResponse),
  "item/fileChange/requestApproval": serverRequest(v2a.FileChangeRequestApprovalParams, v2a.FileChangeRequestApprovalResponse),
  "mcpServer/elicitation/request": serverRequest(v2mcp.McpServerElicitationRequestParams, v2mcp.McpServerElicitationRequestResponse),
} as const;

export type ServerRequests = typeof serverRequests;
export type ServerRequestMethod = keyof ServerRequests;
export type ServerRequestParamsOf<M extends ServerRequestMethod> =
  ServerRequests[M] extends ServerRequestContract<infer P, unknown> ? P : never;
export type ServerRequestResultOf<M extends ServerRequestMethod> =
  ServerRequests[M] extends ServerRequestContract<unknown, infer R> ? R : never;

/** Notifications a client sends; we accept these and need no reply. */
export const clientNotifications = ["initialized"] as const;
