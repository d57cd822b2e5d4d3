// A live conversation: its settings, history and rollout, one turn at a time, and the listeners of
// its event stream. Protocol faces subscribe and supply the approval channel.
import type { ClientOrigin } from "../originator.js";
import type { SandboxAvailability } from "../sandbox/availability.js";
import type { ModelClient, ResponseItem, ToolSpec } from "../model/types.js";
import type { SessionMeta } from "../rollout/types.js";
import type { RolloutSink } from "./rollout-sink.js";
import type { ApprovalDecision } from "./approval-policy.js";
import type { CoreEvent, CoreEventListener } from "./events.js";
import { lastPermissionsText, permissionsItem } from "./instructions.js";
import type { McpTurnTools } from "./mcp-tools.js";
import type { PatchApprovalRequest } from "./patch-call.js";
import { rolloutRecorder } from "./turn-recorder.js";
import { uuidv7 } from "./uuid.js";
import { runReviewTurn } from "./review/review-turn.js";
import type { TurnTrace } from "../telemetry/turn-spans.js";
import { runTurn, type ApprovalRequest, type ToolTelemetry, type TurnDeps, type TurnSettings, type UserInput } from "./turn-runner.js";
import { runCompactionTurn } from "./compaction-turn.js";
import type { UsageState } from "./token-usage.js";
import { runUserShellCommand, runUserShellTurn, type UserShellRequest } from "./user-shell.js";
import type { RemoteCompactor } from "../model/compact-client.js";

/**
 * How a turn is named: "uuid" (v2, as 0.169: unique across threads and processes, so a client
 * with several threads never confuses their turns) or "submission" (v1, as 0.90: the
 * conversation's submission counter, "0", "1", …, which v1 events carry as their `id`).
 */
export type TurnIdKind = "uuid" | "submission";

export type Approver = (conversationId: string, request: ApprovalRequest | PatchApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>;

export interface ConversationInit {
  id: string;
  /** The rollout's session_meta: provider, creation time, cwd, git. */
  meta: SessionMeta;
  /** The client that started or loaded it (its model requests name that client). */
  origin?: ClientOrigin;
  settings: TurnSettings;
  client: ModelClient;
  /** The provider compacts histories itself (OpenAI); absent: a summarisation request does. */
  remoteCompact?: RemoteCompactor;
  writer: RolloutSink;
  history: ResponseItem[];
  /** Where a resumed rollout's token accounting stood; absent: nothing counted yet. */
  usage?: UsageState;
  shellEnv: () => NodeJS.ProcessEnv;
  toolTelemetry: ToolTelemetry;
  /** The tools for `model`, given the ones offered so far (a per-turn model override). */
  toolsForModel?(model: string, current: readonly ToolSpec[]): ToolSpec[];
  onTurnEnd?(turnId: string, durationMs: number): void;
  pace?(): Promise<void> | undefined;
  /** The sandbox commands run in (detected once per server). */
  sandbox?(): Promise<SandboxAvailability>;
  /** The permissions message for these settings; a turn whose text differs from the last one sent tells the model anew. */
  permissionsText?(settings: TurnSettings): Promise<string>;
  onUserPrompt?(text: string): void;
  /** Messages a turn's prompt brings along: the skills it names. */
  skillItems?(input: UserInput, settings: TurnSettings): Promise<ResponseItem[]>;
  /** Opens the turn's trace (undefined when tracing is off); called as the turn is submitted. */
  traceTurn?(turnId: string, settings: TurnSettings, prompt: string): TurnTrace | undefined;
  /** Nothing running or queued (also after the last listener leaves while idle). */
  onIdle?(conversation: Conversation): void;
  /** A listener threw: reported, never allowed to end the turn. */
  onListenerError?(error: unknown): void;
  /** The process's MCP servers, as this conversation's turns use them. */
  mcp?: McpTurnTools;
}

/** What a queued turn runs: a user turn, or a compaction on its own. */
type TurnBody = (deps: TurnDeps, signal: AbortSignal) => Promise<void>;

interface ActiveTurn {
  turnId: string;
  controller: AbortController;
  done: Promise<void>;
  deps: TurnDeps;
  /** History items for the turn's next request; undefined once the turn takes no more. */
  injected: ResponseItem[] | undefined;
}

/** Why turn/steer was refused (the reference's wording). */
export class SteerRefused extends Error {}

export class Conversation {
  readonly id: string;
  settings: TurnSettings;
  readonly history: ResponseItem[];
  /** Who answers approval requests; none attached means every request is denied. */
  approver: Approver | undefined;
  private readonly listeners = new Set<CoreEventListener>();
  /** Process-wide watchers (the status feed): told first, and they keep nothing loaded. */
  private readonly observers = new Set<CoreEventListener>();
  private readonly approvedForSession = new Set<string>();
  private readonly usage: UsageState;
  private nextSubmission = 0;
  private tail: Promise<void> = Promise.resolve();
  private active: ActiveTurn | undefined;
  /** Input steered into the running turn, not yet sent; undefined when the running turn takes none. */
  private steered: UserInput[] | undefined;
  /** Turns submitted and not yet started. */
  private queued = 0;
  /** User shell commands running inside a turn (they may outlive it), with what stops them: that turn's interrupt. */
  private readonly sideCommands = new Map<Promise<void>, AbortController>();
  private closed = false;

  constructor(private readonly init: ConversationInit) {
    this.id = init.id;
    this.settings = init.settings;
    this.history = init.history;
    this.usage = init.usage ?? { total: null };
  }

  get meta(): SessionMeta {
    return this.init.meta;
  }

  get origin(): ClientOrigin | undefined {
    return this.init.origin;
  }

  get rolloutPath(): string {
    return this.init.writer.path;
  }

  get writer(): RolloutSink {
    return this.init.writer;
  }

  /** Some client listens to this conversation's events. */
  get subscribed(): boolean {
    return this.listeners.size > 0;
  }

  get idle(): boolean {
    return this.active === undefined && this.queued === 0;
  }

  /** The id of the running turn, if any. */
  get activeTurnId(): string | undefined {
    return this.active?.turnId;
  }

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.settle();
    };
  }

  /** Sees every event before the subscribers, without counting as one (it never keeps the conversation loaded). */
  observe(listener: CoreEventListener): void {
    this.observers.add(listener);
  }

  /** Tells the owner when nothing is running or queued. */
  settle(): void {
    if (this.idle && !this.closed) this.init.onIdle?.(this);
  }

  /** Queues a turn (after any running one) and returns its id at once. */
  submit(input: UserInput, overrides: Partial<TurnSettings> = {}, idKind: TurnIdKind = "uuid"): string {
    if (this.closed) throw new Error("conversation is closed");
    // Overrides stay for later turns, except the output schema, which is for this turn only.
    const { outputSchema, review, ...lasting } = overrides;
    // Another model may be offered another apply_patch (or none).
    if (lasting.model !== undefined && lasting.model !== this.settings.model && lasting.tools === undefined && this.init.toolsForModel) {
      lasting.tools = this.init.toolsForModel(lasting.model, this.settings.tools);
    }
    this.settings = { ...this.settings, ...lasting };
    const settings = { ...this.settings, ...(outputSchema !== undefined ? { outputSchema } : {}), ...(review ? { review } : {}) };
    const turnId = idKind === "submission" ? String(this.nextSubmission++) : uuidv7();
    this.init.onUserPrompt?.(input.text);
    const trace = this.init.traceTurn?.(turnId, settings, input.text);
    this.enqueue(turnId, settings, trace, (deps, signal) =>
      review ? runReviewTurn(turnId, settings, input, deps, signal, review) : runTurn(turnId, settings, input, deps, signal),
    );
    return turnId;
  }

  /** Queues a turn that only compacts the history (thread/compact/start) and returns its id at once. */
  compact(idKind: TurnIdKind = "uuid"): string {
    if (this.closed) throw new Error("conversation is closed");
    const turnId = idKind === "submission" ? String(this.nextSubmission++) : uuidv7();
    const settings = this.settings;
    this.enqueue(turnId, settings, undefined, (deps, signal) => runCompactionTurn(turnId, settings, deps, signal));
    return turnId;
  }

  private enqueue(turnId: string, settings: TurnSettings, trace: TurnTrace | undefined, body: TurnBody): void {
    this.queued++;
    this.tail = this.tail.then(async () => {
      this.queued--;
      // Closing (shutdown, archive) drops turns that have not started.
      if (this.closed) return trace?.end();
      await this.run(turnId, settings, trace, body);
      this.settle();
    });
  }

  /**
   * Runs the user's shell command. As 0.169: inside the running turn when there is one (its items
   * carry that turn's id, an interrupt stops it, its result goes with that turn's next request),
   * else as a turn of its own. Returns the id of the turn it belongs to.
   */
  userShell(request: UserShellRequest): string {
    if (this.closed) throw new Error("conversation is closed");
    const active = this.active;
    if (active) {
      const side = runUserShellCommand(active.turnId, this.settings.cwd, request, active.deps, active.controller.signal)
        .then((record) => this.inject(active, record))
        // Nothing in it rejects (runCommand reports failures as results); kept from becoming unhandled.
        .catch(() => undefined);
      this.sideCommands.set(side, active.controller);
      void side.finally(() => this.sideCommands.delete(side));
      return active.turnId;
    }
    const turnId = uuidv7();
    const settings = this.settings;
    this.enqueue(turnId, settings, undefined, (deps, signal) => runUserShellTurn(turnId, settings, request, deps, signal));
    return turnId;
  }

  /** An item for the turn's next request, or straight into the history once that turn takes no more. */
  private inject(turn: ActiveTurn, item: ResponseItem): void {
    if (turn.injected) {
      turn.injected.push(item);
      return;
    }
    this.history.push(item);
    this.init.writer.write("response_item", item);
  }

  /** Adds input to the running turn: it goes with that turn's next model request. */
  steer(expectedTurnId: string, input: UserInput): string {
    const active = this.active;
    if (!active || this.steered === undefined) throw new SteerRefused("no active turn to steer");
    if (active.turnId !== expectedTurnId) throw new SteerRefused(`expected active turn id \`${expectedTurnId}\` but found \`${active.turnId}\``);
    this.init.onUserPrompt?.(input.text);
    this.steered.push(input);
    return active.turnId;
  }

  /** Replaces the history with a rollout's replay (after a rollback marker was written). */
  replaceHistory(items: readonly ResponseItem[]): void {
    this.history.splice(0, this.history.length, ...items);
  }

  /** Aborts the running turn; resolves once its turnAborted event is out. False when idle. */
  async interrupt(): Promise<boolean> {
    const active = this.active;
    if (!active) return false;
    active.controller.abort();
    await active.done;
    return true;
  }

  /** Stops the running turn and writes everything out. */
  async close(): Promise<void> {
    this.closed = true;
    await this.interrupt();
    // One that outlived its turn would otherwise hold shutdown for up to its timeout.
    for (const controller of this.sideCommands.values()) controller.abort();
    await Promise.all(this.sideCommands.keys());
    await this.tail;
    await this.init.writer.flush();
  }

  private async run(turnId: string, settings: TurnSettings, trace: TurnTrace | undefined, body: TurnBody): Promise<void> {
    const controller = new AbortController();
    const started = Date.now();
    const steered: UserInput[] = [];
    this.steered = steered;
    const injected: ResponseItem[] = [];
    const steering = {
      pending: () => steered.length > 0 || injected.length > 0,
      take: () => steered.splice(0),
      takeItems: () => injected.splice(0),
      close: () => {
        if (this.steered === steered) this.steered = undefined;
      },
    };
    const deps: TurnDeps = {
      conversationId: this.id,
      client: trace ? trace.client(this.init.client) : this.init.client,
      history: this.history,
      emit: trace
        ? (event) => {
            trace.observe(event);
            this.emit(event);
          }
        : (event) => this.emit(event),
      recorder: rolloutRecorder(this.init.writer, this.id),
      requestApproval: (request, signal) =>
        this.approver ? this.approver(this.id, request, signal) : Promise.resolve("denied" as const),
      approvedForSession: this.approvedForSession,
      usage: this.usage,
      ...(this.init.remoteCompact ? { remoteCompact: this.init.remoteCompact } : {}),
      shellEnv: this.init.shellEnv,
      toolTelemetry: trace ? trace.tools(this.init.toolTelemetry) : this.init.toolTelemetry,
      ...(this.init.pace ? { pace: this.init.pace } : {}),
      ...(this.init.sandbox ? { sandbox: this.init.sandbox } : {}),
      beforeTurn: () => this.announcePermissions(settings),
      steering,
      ...(this.init.mcp ? { mcp: this.init.mcp } : {}),
      ...(this.init.skillItems ? { skillItems: this.init.skillItems } : {}),
    };
    const done = body(deps, controller.signal).catch(() => {
      // runTurn has already reported the failure as events.
    });
    const active: ActiveTurn = { turnId, controller, done, deps, injected };
    this.active = active;
    await done;
    steering.close();
    // What the turn did not take (it ended first, or takes no input) goes into the history as is.
    active.injected = undefined;
    for (const item of injected) this.inject(active, item);
    this.active = undefined;
    trace?.end();
    this.init.onTurnEnd?.(turnId, Date.now() - started);
  }

  /** A turn whose sandbox, approval policy or cwd changed starts by telling the model what now holds. */
  private async announcePermissions(settings: TurnSettings): Promise<void> {
    const text = await this.init.permissionsText?.(settings);
    if (text === undefined || text === lastPermissionsText(this.history)) return;
    const item = permissionsItem(text);
    this.history.push(item);
    this.init.writer.write("response_item", item);
  }

  private emit(event: CoreEvent): void {
    this.tell(this.observers, event);
    this.tell(this.listeners, event);
  }

  private tell(listeners: Set<CoreEventListener>, event: CoreEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A client that went away (closed connection) must not end the turn for the rollout.
        this.init.onListenerError?.(error);
      }
    }
  }
}
