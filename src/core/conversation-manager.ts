// Creates, resumes and tracks the live conversations of this process. Settings come from config
// (file, profile, -c) with the request's own overrides on top. An idle conversation gives its
// rollout file descriptor back; one nobody listens to is unloaded after a grace period and loaded
// again from its rollout (with the settings it had) when next used. One rollout is loaded once.
import path from "node:path";
import { deriveConfig, type ConfigSource } from "../config/load.js";
import { splitDottedKey, type ConfigOverride } from "../config/overrides.js";
import type { AppConfig } from "../config/types.js";
import type { Logger } from "../logging/logger.js";
import { resolveAuth } from "../model/auth.js";
import { createModelClient } from "../model/client-for-provider.js";
import { findModelFamily } from "../model/model-family.js";
import type { ModelClient, ResponseItem } from "../model/types.js";
import { threadOriginator, type ClientOrigin } from "../originator.js";
import type { AskForApproval, ReasoningEffort, SandboxMode } from "../protocol/config.js";
import { readRollout } from "../rollout/reader.js";
import { collectGitInfo } from "../rollout/git-info.js";
import type { SessionMeta } from "../rollout/types.js";
import { RolloutWriter } from "../rollout/writer.js";
import { serverSandbox, type SandboxAvailability } from "../sandbox/availability.js";
import { sandboxInstructions } from "../sandbox/instructions.js";
import { isUnsandboxed, sandboxModeOf, sandboxPolicyFromConfig } from "../sandbox/policy.js";
import { ephemeralSink, type RolloutSink } from "./rollout-sink.js";
import { conversationTelemetry } from "../telemetry/catalog.js";
import { conversationTraces } from "../telemetry/turn-spans.js";
import { buildShellEnv, parseShellEnvironmentPolicy } from "../tools/shell-env.js";
import { terminalName } from "../user-agent.js";
import { APP_VERSION } from "../version.js";
import { Conversation } from "./conversation.js";
import type { McpManager } from "../mcp/connection-manager.js";
import { conversationMcp } from "./mcp-tools.js";
import { applyPatchFreeformFlag, toolsFor } from "./tool-selection.js";
import { baseInstructionsFor, environmentContext, permissionsItem, permissionsMessage } from "./instructions.js";
import type { TurnSettings } from "./turn-runner.js";
import { uuidv7 } from "./uuid.js";
import { historyFromRollout } from "./compaction.js";
import { usageFromRollout, type UsageState } from "./token-usage.js";
import { createRemoteCompactor, usesRemoteCompaction } from "../model/compact-client.js";
import { skillToggles } from "../skills/discovery.js";
import { skillInjections } from "../skills/injection.js";

export const DEFAULT_MODEL = "gpt-5.1-codex";

/** The conversation's own compact prompt, else config.toml's `compact_prompt`. */
function compactPromptOf(config: AppConfig, options: StartOptions): { compactPrompt?: string } {
  const prompt = options.compactPrompt ?? config.table.compact_prompt;
  return typeof prompt === "string" && prompt.trim() !== "" ? { compactPrompt: prompt } : {};
}

/** Runs `work` a few event-loop turns later, when the current request's reply has been written. */
function afterReply(work: () => void): void {
  setImmediate(() => setImmediate(() => setImmediate(work)));
}

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
  /** Replaces the summarisation prompt of this conversation's compactions (v1 newConversation). */
  compactPrompt?: string;
  /** Keep the history in memory only: no rollout file, not listed, not resumable. */
  ephemeral?: boolean;
  /** The connection that starts, forks or loads it: its originator and User-Agent go to the model. */
  origin?: ClientOrigin;
}

export interface ManagerDeps {
  config: ConfigSource;
  env: NodeJS.ProcessEnv;
  /** Backpressure from the clients that follow the conversation (see ProtocolWriter.paced). */
  pace?(conversationId: string): Promise<void> | undefined;
  log?: Logger;
  /** How long an idle conversation nobody listens to stays loaded; undefined keeps it loaded. */
  unloadIdleAfterMs?: number;
  /** The sandbox commands run in; defaults to detecting it once (serverSandbox). */
  sandbox?(): Promise<SandboxAvailability>;
  /** The MCP servers this process shares among its conversations. */
  mcp?: McpManager;
  /** Told of each conversation as it loads, before any client subscribes. */
  onOpen?(conversation: Conversation): void;
  /** Tests and benches may swap the model client. */
  clientFactory?: (config: AppConfig, hooks: ReturnType<typeof conversationTelemetry>) => ModelClient;
}

/** "unloaded": idle and unwatched, loadable again; "removed": archived or deleted. */
export type UnloadKind = "unloaded" | "removed";

/** What an unloaded conversation needs to be loaded again as it was. */
interface Parked {
  path: string;
  settings: TurnSettings;
  origin: ClientOrigin | undefined;
}

/** Unloaded conversations remembered; beyond this the oldest reload with config's settings. */
const MAX_PARKED = 1024;

export class ConversationManager {
  private readonly live = new Map<string, Conversation>();
  private readonly parked = new Map<string, Parked>();
  /** Resumes and unloads of one rollout (by path, then by id) run one at a time. */
  private readonly locks = new Map<string, Promise<void>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Conversations to unload as soon as they are idle and nobody listens (thread/unsubscribe). */
  private readonly unloadRequested = new Set<string>();
  private readonly unloadListeners: ((id: string, how: UnloadKind) => void)[] = [];

  constructor(private readonly deps: ManagerDeps) {}

  /** A loaded conversation. */
  get(id: string): Conversation | undefined {
    return this.live.get(id);
  }

  /** A loaded conversation, or one this process unloaded, loaded again from its rollout. */
  async load(id: string): Promise<Conversation | undefined> {
    const live = this.live.get(id);
    if (live) return live;
    const parked = this.parked.get(id);
    if (!parked) return undefined;
    return (await this.resume(parked.path, {})).conversation;
  }

  /** The rollout of a loaded or unloaded conversation of this process. */
  rolloutPathOf(id: string): string | undefined {
    return this.live.get(id)?.rolloutPath ?? this.parked.get(id)?.path;
  }

  list(): Conversation[] {
    return [...this.live.values()];
  }

  /** Called after a conversation was unloaded or removed (its rollout closed). */
  /** Returns the function that removes the listener (a client connection that goes away). */
  onUnload(listener: (id: string, how: UnloadKind) => void): () => void {
    this.unloadListeners.push(listener);
    return () => {
      const at = this.unloadListeners.indexOf(listener);
      if (at >= 0) this.unloadListeners.splice(at, 1);
    };
  }

  /** Unloads the conversation once no turn runs and nobody listens; a later load() brings it back. */
  unloadWhenIdle(id: string): void {
    const conversation = this.live.get(id);
    if (!conversation || conversation.rolloutPath === "") return;
    this.unloadRequested.add(id);
    conversation.settle();
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
      originator: threadOriginator(options.origin),
      cli_version: APP_VERSION,
      source: "vscode",
      model_provider: config.modelProvider.id,
      base_instructions: { text: settings.instructions },
      // The reference leaves `git` out when cwd is not a repository.
      ...(git ? { git } : {}),
    };
    const writer = options.ephemeral ? ephemeralSink() : await RolloutWriter.create(config.codexHome, meta);
    const context: ResponseItem[] = [
      permissionsItem(await this.permissionsText(config, settings)),
      { type: "message", role: "user", content: [{ type: "input_text", text: environmentContext(settings.cwd, "bash") }] },
      ...history,
    ];
    for (const item of context) writer.write("response_item", item);
    const conversation = this.open(meta, config, settings, writer, context, await this.authFacts(config), options.origin);
    conversation.settle();
    return conversation;
  }

  /**
   * Resumes a rollout file: its history goes to the model on the next turn. Loaded from disk, its
   * model requests name the client that loads it (`options.origin`); one this process unloaded
   * keeps the client it had.
   */
  resume(file: string, options: StartOptions): Promise<{ conversation: Conversation; initialMessages: unknown[] }> {
    // Two resumes of one rollout must not both load it: two writers would interleave on one file.
    return this.exclusive(`path:${path.resolve(file)}`, async () => {
      const contents = await readRollout(file);
      return this.exclusive(`id:${contents.meta.id}`, () => this.resumeLoaded(file, contents, options));
    });
  }

  private async resumeLoaded(
    file: string,
    contents: Awaited<ReturnType<typeof readRollout>>,
    withOrigin: StartOptions,
  ): Promise<{ conversation: Conversation; initialMessages: unknown[] }> {
    const { origin, ...options } = withOrigin;
    const existing = this.live.get(contents.meta.id);
    const initialMessages = contents.lines.filter((l) => l.type === "event_msg").map((l) => l.payload);
    if (existing) {
      // Resumed by a client again: it stays loaded.
      this.unloadRequested.delete(existing.id);
      return { conversation: existing, initialMessages };
    }
    const parked = this.parked.get(contents.meta.id);
    const config = this.configFor({ ...options, cwd: options.cwd ?? contents.meta.cwd });
    const settings = this.settingsFor(config, { ...options, cwd: options.cwd ?? contents.meta.cwd });
    // The session keeps the instructions it started with unless the request gives new ones.
    const stored = contents.meta.base_instructions?.text;
    if (options.baseInstructions === undefined && options.developerInstructions === undefined && typeof stored === "string" && stored !== "") {
      settings.instructions = stored;
    }
    // A compaction replaced what came before it: the model goes on from the compacted history.
    const history = historyFromRollout(contents.lines);
    const writer = await RolloutWriter.reopen(file);
    const conversation = this.open(contents.meta, config, settings, writer, history, await this.authFacts(config), origin ?? parked?.origin, usageFromRollout(contents.lines));
    // Loaded again after an unload, without new overrides: as it was.
    this.parked.delete(contents.meta.id);
    if (parked && Object.keys(options).length === 0) conversation.settings = parked.settings;
    conversation.settle();
    return { conversation, initialMessages };
  }

  /** A new conversation holding a copy of a rollout's history, in a rollout of its own. */
  async fork(sourcePath: string, options: StartOptions): Promise<{ conversation: Conversation; initialMessages: unknown[] }> {
    // Read while no resume or unload of the source is half done.
    const contents = await this.exclusive(`path:${path.resolve(sourcePath)}`, () => readRollout(sourcePath));
    const home = this.deps.config.home;
    const writer = await RolloutWriter.create(home, {
      ...contents.meta,
      id: uuidv7(),
      timestamp: new Date().toISOString(),
      originator: threadOriginator(options.origin),
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
    this.parked.delete(id);
    this.unloadRequested.delete(id);
    if (!conversation) return;
    await this.shut(conversation);
    this.announceUnload(id, "removed");
  }

  private announceUnload(id: string, how: UnloadKind): void {
    for (const listener of this.unloadListeners) {
      try {
        listener(id, how);
      } catch (error) {
        this.deps.log?.debug({ err: error, conversationId: id }, "unload not announced");
      }
    }
  }

  async closeAll(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled([...this.live.values()].map((c) => this.shut(c)));
  }

  /** At process exit: lines still queued in any rollout are written synchronously. */
  writeQueuedSync(): void {
    for (const conversation of this.live.values()) {
      try {
        conversation.writer.writeQueuedSync();
      } catch (error) {
        this.deps.log?.error({ err: error, conversationId: conversation.id }, "rollout lines lost at exit");
      }
    }
  }

  /** Nothing runs or is queued: give the file descriptor back, and unload it if nobody listens. */
  private onIdle(conversation: Conversation): void {
    // A turn that starts while the release waits keeps the file: an archive may move it by then.
    conversation.writer.release(() => conversation.idle).catch((error: unknown) => {
      this.deps.log?.warn({ err: error, conversationId: conversation.id }, "rollout not released");
    });
    // An ephemeral thread has no rollout to come back from.
    if (conversation.subscribed || conversation.rolloutPath === "") return;
    if (this.unloadRequested.has(conversation.id)) {
      void this.unload(conversation);
      return;
    }
    const ms = this.deps.unloadIdleAfterMs;
    if (ms === undefined) return;
    clearTimeout(this.unloadTimers.get(conversation.id));
    const timer = setTimeout(() => {
      this.unloadTimers.delete(conversation.id);
      void this.unload(conversation);
    }, ms);
    timer.unref();
    this.unloadTimers.set(conversation.id, timer);
  }

  private unload(conversation: Conversation): Promise<void> {
    // The same locks, in the same order, as resume: no resume sees it half closed.
    return this.exclusive(`path:${path.resolve(conversation.rolloutPath)}`, () => this.exclusive(`id:${conversation.id}`, async () => {
      // Someone subscribed, submitted or removed it meanwhile.
      if (this.live.get(conversation.id) !== conversation || !conversation.idle || conversation.subscribed) return;
      clearTimeout(this.unloadTimers.get(conversation.id));
      this.unloadTimers.delete(conversation.id);
      this.unloadRequested.delete(conversation.id);
      this.live.delete(conversation.id);
      this.parked.set(conversation.id, { path: conversation.rolloutPath, settings: conversation.settings, origin: conversation.origin });
      if (this.parked.size > MAX_PARKED) this.parked.delete(this.parked.keys().next().value!);
      await this.shut(conversation).catch((error: unknown) => {
        this.deps.log?.warn({ err: error, conversationId: conversation.id }, "conversation not closed cleanly");
      });
      this.announceUnload(conversation.id, "unloaded");
    }));
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prior = this.locks.get(key) ?? Promise.resolve();
    const run = prior.then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
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
    origin: ClientOrigin | undefined,
    usage?: UsageState,
  ): Conversation {
    const id = meta.id;
    const hooks = conversationTelemetry(
      { conversationId: id, model: settings.model, terminalType: terminalName(this.deps.env), ...auth },
      config.otel.logUserPrompt,
    );
    const traces = conversationTraces({ threadId: id, provider: config.modelProvider.name, logUserPrompt: config.otel.logUserPrompt });
    const client =
      this.deps.clientFactory?.(config, hooks) ??
      createModelClient(config.modelProvider, {
        codexHome: config.codexHome,
        env: this.deps.env,
        ...(origin ? { origin } : {}),
        onApiRequest: (r) => {
          hooks.apiRequest(r);
          traces.apiRequest(r);
        },
        onSseEvent: (r) => hooks.sseEvent(r),
      });
    const shellPolicy = parseShellEnvironmentPolicy(config.table.shell_environment_policy);
    const remoteCompact = usesRemoteCompaction(config.modelProvider, config.table)
      ? createRemoteCompactor(config.modelProvider, { codexHome: config.codexHome, env: this.deps.env, ...(origin ? { origin } : {}), onApiRequest: (r) => hooks.apiRequest(r) })
      : undefined;
    const conversation = new Conversation({
      id,
      meta,
      ...(origin ? { origin } : {}),
      settings,
      client,
      ...(remoteCompact ? { remoteCompact } : {}),
      writer,
      history,
      ...(usage ? { usage } : {}),
      shellEnv: () => buildShellEnv(shellPolicy, this.deps.env),
      toolTelemetry: { decision: hooks.toolDecision, result: hooks.toolResult },
      toolsForModel: (model, current) =>
        toolsFor({
          model,
          wireApi: config.modelProvider.wireApi,
          applyPatchFreeform: applyPatchFreeformFlag(config.table),
          includePlanTool: current.some((t) => t.name === "update_plan"),
        }),
      ...(this.deps.pace ? { pace: () => this.deps.pace!(id) } : {}),
      sandbox: () => this.sandbox(),
      permissionsText: (s) => this.permissionsText(config, s),
      skillItems: (input, s) => skillInjections(config.codexHome, s.cwd, skillToggles(config.table), input.text, input.skills ?? []),
      onTurnEnd: (_turnId, ms) => hooks.turnEnded(ms),
      onUserPrompt: (text) => hooks.userPrompt(text),
      traceTurn: (turnId, turnSettings, prompt) => traces.startTurn(turnId, turnSettings, prompt),
      onListenerError: (error) => this.deps.log?.debug({ err: error, conversationId: id }, "event not delivered"),
      onIdle: (c) => this.onIdle(c),
      ...(this.deps.mcp ? { mcp: conversationMcp(this.deps.mcp, id) } : {}),
    });
    // The first thread starts the servers, in the background: its first turn waits for them.
    // Loading the SDK and spawning servers takes a while: only once this request's reply is out.
    const mcp = this.deps.mcp;
    if (mcp?.hasServers) {
      afterReply(() => mcp.startAll().catch((error: unknown) => this.deps.log?.warn({ err: error }, "mcp servers not started")));
    }
    hooks.conversationStarts({
      providerName: config.modelProvider.name,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: sandboxModeOf(settings.sandboxPolicy),
      reasoningSummary: settings.summary,
      ...(settings.effort ? { reasoningEffort: settings.effort } : {}),
    });
    this.live.set(id, conversation);
    this.deps.onOpen?.(conversation);
    return conversation;
  }

  /** The sandbox this server can build: detected once, with the bwrap locations its env allows. */
  private sandbox(): Promise<SandboxAvailability> {
    return this.deps.sandbox?.() ?? serverSandbox(this.deps.env);
  }

  /** The permissions message for `settings`: what is enforced here, not merely configured. */
  private async permissionsText(config: AppConfig, settings: TurnSettings): Promise<string> {
    const env = buildShellEnv(parseShellEnvironmentPolicy(config.table.shell_environment_policy), this.deps.env);
    // Unsandboxed policies need no detection (sandboxInstructions does not look at it then).
    const availability: SandboxAvailability = isUnsandboxed(settings.sandboxPolicy) ? { available: false, reason: "", fix: "" } : await this.sandbox();
    const sandbox = await sandboxInstructions(settings.sandboxPolicy, settings.cwd, env, availability);
    return permissionsMessage(settings.approvalPolicy, settings.sandboxPolicy, sandbox);
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
    const effort: ReasoningEffort | undefined = config.modelReasoningEffort;
    const model = config.model ?? DEFAULT_MODEL;
    const tools = toolsFor({
      model,
      wireApi: config.modelProvider.wireApi,
      applyPatchFreeform: applyPatchFreeformFlag(config.table),
      includePlanTool: options.includePlanTool !== false,
    });
    // The model family decides whether the patch format must be spelled out.
    const base = options.baseInstructions ?? baseInstructionsFor(findModelFamily(model).needsApplyPatchInstructions, tools.map((t) => t.name));
    const instructions = [base, options.developerInstructions].filter(Boolean).join("\n\n");
    return {
      model,
      cwd: options.cwd ?? process.cwd(),
      approvalPolicy: config.approvalPolicy,
      sandboxPolicy: sandboxPolicyFromConfig(config.sandboxMode, config.sandboxWorkspaceWrite),
      ...(effort ? { effort } : {}),
      summary: config.modelReasoningSummary,
      instructions,
      tools,
      modelOverrides: config.modelOverrides,
      ...compactPromptOf(config, options),
    };
  }
}
