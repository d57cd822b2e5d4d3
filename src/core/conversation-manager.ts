// Creates, resumes and tracks the live conversations of this process. Settings come from config
// (file, profile, -c) with the request's own overrides on top.
import { deriveConfig, type ConfigSource } from "../config/load.js";
import { splitDottedKey, type ConfigOverride } from "../config/overrides.js";
import type { AppConfig } from "../config/types.js";
import type { Logger } from "../logging/logger.js";
import { resolveAuth } from "../model/auth.js";
import { createResponsesClient } from "../model/responses-client.js";
import type { ModelClient, ResponseItem } from "../model/types.js";
import { originator } from "../originator.js";
import type { AskForApproval, ReasoningEffort, SandboxMode } from "../protocol/config.js";
import { readRollout } from "../rollout/reader.js";
import { collectGitInfo } from "../rollout/git-info.js";
import type { SessionMeta } from "../rollout/types.js";
import { RolloutWriter } from "../rollout/writer.js";
import { ephemeralSink, type RolloutSink } from "./rollout-sink.js";
import { conversationTelemetry } from "../telemetry/catalog.js";
import { buildShellEnv, parseShellEnvironmentPolicy } from "../tools/shell-env.js";
import { SHELL_TOOL, UPDATE_PLAN_TOOL } from "../tools/tool-specs.js";
import { terminalName } from "../user-agent.js";
import { APP_VERSION } from "../version.js";
import { Conversation } from "./conversation.js";
import { BASE_INSTRUCTIONS, environmentContext, permissionsMessage } from "./instructions.js";
import type { TurnSettings } from "./turn-runner.js";
import { uuidv7 } from "./uuid.js";

export const DEFAULT_MODEL = "gpt-5.1-codex";

interface AuthFacts {
  authMode?: string;
  accountId?: string;
}

export interface StartOptions {
  model?: string;
  modelProvider?: string;
  profile?: string;
  cwd?: string;
  approvalPolicy?: AskForApproval;
  sandbox?: SandboxMode;
  config?: Record<string, unknown>;
  baseInstructions?: string;
  developerInstructions?: string;
  includePlanTool?: boolean;
  /** Keep the history in memory only: no rollout file, not listed, not resumable. */
  ephemeral?: boolean;
}

export interface ManagerDeps {
  config: ConfigSource;
  env: NodeJS.ProcessEnv;
  /** Backpressure from the client connection (see NdjsonMessageWriter.paced). */
  pace?(): Promise<void> | undefined;
  log?: Logger;
  /** Tests and benches may swap the model client. */
  clientFactory?: (config: AppConfig, hooks: ReturnType<typeof conversationTelemetry>) => ModelClient;
}

export class ConversationManager {
  private readonly live = new Map<string, Conversation>();

  constructor(private readonly deps: ManagerDeps) {}

  get(id: string): Conversation | undefined {
    return this.live.get(id);
  }

  list(): Conversation[] {
    return [...this.live.values()];
  }

  /**
   * Throws ConfigError when config.toml (or the request's config) cannot be used. `history`
   * (resumeConversation with raw history) follows the session's context items.
   */
  async start(options: StartOptions, history: readonly ResponseItem[] = []): Promise<Conversation> {
    const config = this.configFor(options);
    const id = uuidv7();
    const settings = this.settingsFor(config, options);
    const git = await collectGitInfo(settings.cwd);
    const meta: SessionMeta = {
      id,
      timestamp: new Date().toISOString(),
      cwd: settings.cwd,
      originator: originator(),
      cli_version: APP_VERSION,
      source: "vscode",
      model_provider: config.modelProvider.id,
      base_instructions: { text: settings.instructions },
      // The reference leaves `git` out when cwd is not a repository.
      ...(git ? { git } : {}),
    };
    const writer = options.ephemeral ? ephemeralSink() : await RolloutWriter.create(config.codexHome, meta);
    const context: ResponseItem[] = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: permissionsMessage(settings.approvalPolicy, settings.sandboxMode) }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: environmentContext(settings.cwd, "bash") }] },
      ...history,
    ];
    for (const item of context) writer.write("response_item", item);
    return this.open(meta, config, settings, writer, context, await this.authFacts(config));
  }

  /** Resumes a rollout file: its history goes to the model on the next turn. */
  async resume(path: string, options: StartOptions): Promise<{ conversation: Conversation; initialMessages: unknown[] }> {
    const contents = await readRollout(path);
    const existing = this.live.get(contents.meta.id);
    const initialMessages = contents.lines.filter((l) => l.type === "event_msg").map((l) => l.payload);
    if (existing) return { conversation: existing, initialMessages };
    const config = this.configFor({ ...options, cwd: options.cwd ?? contents.meta.cwd });
    const settings = this.settingsFor(config, { ...options, cwd: options.cwd ?? contents.meta.cwd });
    // The session keeps the instructions it started with unless the request gives new ones.
    const stored = contents.meta.base_instructions?.text;
    if (options.baseInstructions === undefined && options.developerInstructions === undefined && typeof stored === "string" && stored !== "") {
      settings.instructions = stored;
    }
    const history = contents.lines.filter((l) => l.type === "response_item").map((l) => l.payload as ResponseItem);
    const writer = await RolloutWriter.reopen(path);
    return { conversation: this.open(contents.meta, config, settings, writer, history, await this.authFacts(config)), initialMessages };
  }

  /** A new conversation holding a copy of a rollout's history, in a rollout of its own. */
  async fork(sourcePath: string, options: StartOptions): Promise<{ conversation: Conversation; initialMessages: unknown[] }> {
    const contents = await readRollout(sourcePath);
    const home = this.deps.config.home;
    const writer = await RolloutWriter.create(home, {
      ...contents.meta,
      id: uuidv7(),
      timestamp: new Date().toISOString(),
      originator: originator(),
      cli_version: APP_VERSION,
      forked_from_id: contents.meta.id,
    });
    for (const line of contents.lines) if (line.type !== "session_meta") writer.write(line.type, line.payload);
    await writer.close();
    return this.resume(writer.path, options);
  }

  /** Unloads a conversation (archive); its turn is stopped and its rollout flushed and closed. */
  async remove(id: string): Promise<void> {
    const conversation = this.live.get(id);
    this.live.delete(id);
    if (conversation) await this.shut(conversation);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.live.values()].map((c) => this.shut(c)));
  }

  private async shut(conversation: Conversation): Promise<void> {
    try {
      await conversation.close();
    } finally {
      // Conversation.close() only flushes; the file handle is ours to release.
      await conversation.writer.close();
    }
  }

  private open(
    meta: SessionMeta,
    config: AppConfig,
    settings: TurnSettings,
    writer: RolloutSink,
    history: ResponseItem[],
    auth: AuthFacts,
  ): Conversation {
    const id = meta.id;
    const hooks = conversationTelemetry(
      { conversationId: id, model: settings.model, terminalType: terminalName(this.deps.env), ...auth },
      config.otel.logUserPrompt,
    );
    const client =
      this.deps.clientFactory?.(config, hooks) ??
      createResponsesClient(config.modelProvider, {
        codexHome: config.codexHome,
        env: this.deps.env,
        onApiRequest: (r) => hooks.apiRequest(r),
        onSseEvent: (r) => hooks.sseEvent(r),
      });
    const shellPolicy = parseShellEnvironmentPolicy(config.table.shell_environment_policy);
    const conversation = new Conversation({
      id,
      meta,
      settings,
      client,
      writer,
      history,
      shellEnv: () => buildShellEnv(shellPolicy, this.deps.env),
      toolTelemetry: { decision: hooks.toolDecision, result: hooks.toolResult },
      ...(this.deps.pace ? { pace: this.deps.pace } : {}),
      onTurnEnd: (_turnId, ms) => hooks.turnEnded(ms),
      onUserPrompt: (text) => hooks.userPrompt(text),
      onListenerError: (error) => this.deps.log?.debug({ err: error, conversationId: id }, "event not delivered"),
    });
    hooks.conversationStarts({
      providerName: config.modelProvider.name,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: settings.sandboxMode,
      reasoningSummary: settings.summary,
      ...(settings.effort ? { reasoningEffort: settings.effort } : {}),
    });
    this.live.set(id, conversation);
    return conversation;
  }

  /** How requests will authenticate, for telemetry's auth_mode / user.account_id; unknown is fine. */
  private async authFacts(config: AppConfig): Promise<AuthFacts> {
    const auth = await resolveAuth(config.modelProvider, { codexHome: config.codexHome, env: this.deps.env }).catch(() => undefined);
    if (!auth) return {};
    if (auth.source === "auth_json_tokens") return { authMode: "ChatGPT", ...(auth.accountId ? { accountId: auth.accountId } : {}) };
    return { authMode: "ApiKey" };
  }

  private configFor(options: StartOptions): AppConfig {
    const overrides: ConfigOverride[] = Object.entries(options.config ?? {}).map(([key, value]) => ({ path: splitDottedKey(key), value }));
    const direct: [string, unknown][] = [
      ["model", options.model],
      ["model_provider", options.modelProvider],
      ["approval_policy", options.approvalPolicy],
      ["sandbox_mode", options.sandbox],
    ];
    for (const [key, value] of direct) if (value !== undefined) overrides.push({ path: [key], value });
    return deriveConfig(this.deps.config, { ...(options.profile ? { profile: options.profile } : {}), overrides }, this.deps.env);
  }

  private settingsFor(config: AppConfig, options: StartOptions): TurnSettings {
    const instructions = [options.baseInstructions ?? BASE_INSTRUCTIONS, options.developerInstructions].filter(Boolean).join("\n\n");
    const effort: ReasoningEffort | undefined = config.modelReasoningEffort;
    return {
      model: config.model ?? DEFAULT_MODEL,
      cwd: options.cwd ?? process.cwd(),
      approvalPolicy: config.approvalPolicy,
      sandboxMode: config.sandboxMode,
      ...(effort ? { effort } : {}),
      summary: config.modelReasoningSummary,
      instructions,
      tools: options.includePlanTool === false ? [SHELL_TOOL] : [SHELL_TOOL, UPDATE_PLAN_TOOL],
    };
  }
}
