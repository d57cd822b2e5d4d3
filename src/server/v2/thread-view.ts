// Projections onto the v2 Thread and Turn shapes: from a live conversation, from a listing
// summary, and turns rebuilt from rollout lines. Pure functions.
import { fileURLToPath } from "node:url";
import type { Conversation } from "../../core/conversation.js";
import type { ResponseItem } from "../../model/types.js";
import type { GitInfo, RolloutLine, SessionSummary } from "../../rollout/types.js";
import { parseCommand, shellJoin, type ParsedCommand } from "../../tools/parse-command.js";
import type { PatchChanges } from "../../core/events.js";
import { isCompactionLine, takesEarlierCompaction, turnOpener } from "../../rollout/rollback.js";
import { agentMessageItem, commandActions, commandItem, fileChangeItem, reasoningItem, textInput, userMessageItem } from "./event-mapping.js";

export type ThreadStatus = { type: "notLoaded" } | { type: "idle" } | { type: "active"; activeFlags: ("waitingOnApproval" | "waitingOnUserInput")[] };

export interface ThreadView {
  id: string;
  sessionId: string;
  forkedFromId: string | null;
  parentThreadId: null;
  preview: string;
  ephemeral: boolean;
  section: null;
  sectionEnteredAt: null;
  projectId: null;
  historyMode: "legacy";
  modelProvider: string;
  model: string | null;
  reasoningEffort: string | null;
  createdAt: number;
  updatedAt: number;
  recencyAt: number;
  status: ThreadStatus;
  /** null for an ephemeral thread (no rollout). */
  path: string | null;
  cwd: string;
  cliVersion: string;
  source: string;
  threadSource: null;
  originator: string | null;
  agentNickname: null;
  agentRole: null;
  gitInfo: { sha: string | null; branch: string | null; originUrl: string | null } | null;
  /** Set by thread/name/set; kept in session_index.jsonl, not in the rollout. */
  name: string | null;
  turns: TurnView[];
}

export interface TurnView {
  id: string;
  rootTurnId: string | null;
  items: Record<string, unknown>[];
  /** "full" when `items` holds the turn's items; "notLoaded" when left empty on purpose. */
  itemsView: "full" | "notLoaded";
  status: "completed" | "interrupted" | "failed" | "inProgress";
  error: { message: string; codexErrorInfo: unknown; additionalDetails: string | null; misalignment: null } | null;
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

const seconds = (iso: string | null | undefined, fallback: number) => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? fallback : Math.floor(ms / 1000);
};

function gitView(git: GitInfo | null | undefined): ThreadView["gitInfo"] {
  if (!git) return null;
  return { sha: git.commit_hash ?? null, branch: git.branch ?? null, originUrl: git.repository_url ?? null };
}

/** A loaded thread is idle or active (a turn runs); one only on disk is notLoaded. */
export function statusOf(live: Conversation | undefined): ThreadStatus {
  if (!live) return { type: "notLoaded" };
  return live.activeTurnId === undefined ? { type: "idle" } : { type: "active", activeFlags: [] };
}

/** The fields every thread has the same here: no sections, projects, sub-agents or paginated history. */
const plainThread = {
  parentThreadId: null,
  section: null,
  sectionEnteredAt: null,
  projectId: null,
  historyMode: "legacy",
  threadSource: null,
  agentNickname: null,
  agentRole: null,
} as const;

export function threadFromConversation(conversation: Conversation, preview: string, turns: TurnView[] = []): ThreadView {
  const meta = conversation.meta;
  const now = Math.floor(Date.now() / 1000);
  const ephemeral = conversation.rolloutPath === "";
  return {
    ...plainThread,
    id: conversation.id,
    sessionId: conversation.id,
    forkedFromId: typeof meta.forked_from_id === "string" ? meta.forked_from_id : null,
    preview,
    ephemeral,
    modelProvider: meta.model_provider,
    model: conversation.settings.model,
    reasoningEffort: conversation.settings.effort ?? null,
    createdAt: seconds(meta.timestamp, now),
    updatedAt: now,
    recencyAt: now,
    status: statusOf(conversation),
    path: ephemeral ? null : conversation.rolloutPath,
    cwd: meta.cwd,
    cliVersion: meta.cli_version,
    source: meta.source,
    originator: meta.originator || null,
    gitInfo: gitView(meta.git),
    name: null,
    turns,
  };
}

/** A stored thread; `live` is its conversation when this process has it loaded. */
export function threadFromSummary(summary: SessionSummary, live?: Conversation): ThreadView {
  const now = Math.floor(Date.now() / 1000);
  const updatedAt = seconds(summary.updatedAt, now);
  return {
    ...plainThread,
    id: summary.conversationId,
    sessionId: summary.conversationId,
    forkedFromId: summary.forkedFromId,
    preview: summary.preview,
    ephemeral: false,
    modelProvider: summary.modelProvider,
    model: live ? live.settings.model : null,
    reasoningEffort: live ? (live.settings.effort ?? null) : null,
    createdAt: seconds(summary.timestamp, now),
    updatedAt,
    recencyAt: updatedAt,
    status: statusOf(live),
    path: summary.path,
    cwd: summary.cwd,
    cliVersion: summary.cliVersion,
    source: summary.source,
    originator: summary.originator || null,
    gitInfo: summary.gitInfo ? { sha: summary.gitInfo.sha, branch: summary.gitInfo.branch, originUrl: summary.gitInfo.origin_url } : null,
    name: null,
    turns: [],
  };
}

/** Unix ms of a rollout line, null when its timestamp does not parse. */
function lineMs(line: RolloutLine): number | null {
  const ms = Date.parse(line.timestamp);
  return Number.isNaN(ms) ? null : ms;
}

const toSeconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));
const numberOr = (v: unknown, fallback: number | null) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/**
 * Turns rebuilt from a rollout. A turn starts at a task_started line (its id and start time, as
 * recorded since turn ids are) or, in older rollouts, at a user_message outside an open turn
 * (ids `turn-<n>`); task_complete / turn_aborted give its end. Items carry the times their lines
 * were written: when a message was complete, when a call was made and answered.
 */
export function buildTurns(lines: readonly RolloutLine[]): TurnView[] {
  const turns: TurnView[] = [];
  let current: TurnView | undefined;
  /** The current turn has ended (task_complete / turn_aborted seen). */
  let ended = true;
  let startedMs: number | null = null;
  let itemNumber = 0;
  const nextId = () => `item-${++itemNumber}`;
  const calls = new Map<string, Record<string, unknown>>();
  /** Turns whose id came from the rollout (task_started or turn_context), not from their position. */
  const named = new Set<TurnView>();
  const open = (id: string, ms: number | null, startedAt: number | null): TurnView => {
    current = { id, rootTurnId: id, items: [], itemsView: "full", status: "completed", error: null, startedAt, completedAt: null, durationMs: null };
    turns.push(current);
    ended = false;
    startedMs = ms;
    return current;
  };
  const end = (turn: TurnView, payload: Record<string, unknown>, ms: number | null) => {
    turn.completedAt = numberOr(payload.completed_at, toSeconds(ms));
    turn.durationMs = numberOr(payload.duration_ms, ms !== null && startedMs !== null ? ms - startedMs : null);
    ended = true;
  };
  // Which lines open a turn: the same rules rollback counts turns by.
  const opener = turnOpener();
  /** Compaction items added to a turn since the last other line: a turn opened next may take them (older rollouts). */
  let movable: { from: TurnView; item: Record<string, unknown> }[] = [];
  const takeMovable = (turn: TurnView, carried: typeof movable) => {
    for (const { from, item } of carried) {
      from.items.splice(from.items.indexOf(item), 1);
      turn.items.push(item);
    }
  };
  for (const line of lines) {
    const payload = line.payload as Record<string, unknown>;
    const ms = lineMs(line);
    const before = opener.state();
    const opens = opener(line);
    const carried = opens && takesEarlierCompaction(line, before) ? movable : [];
    if (!isCompactionLine(line) && !(line.type === "response_item" && (payload as { role?: unknown }).role === "user")) movable = [];
    if (line.type === "event_msg") {
      if (payload.type === "task_started") {
        const id = typeof payload.turn_id === "string" && payload.turn_id ? payload.turn_id : `turn-${turns.length + 1}`;
        const turn = open(id, ms, numberOr(payload.started_at, toSeconds(ms)));
        takeMovable(turn, carried);
        if (id === payload.turn_id) named.add(turn);
      } else if (payload.type === "user_message") {
        // Unless it opens a turn (older rollouts), it is the user message of the turn task_started
        // opened or input steered into the running turn (turn/steer).
        const turn = opens || !current ? open(`turn-${turns.length + 1}`, ms, toSeconds(ms)) : current;
        takeMovable(turn, carried);
        const elements = Array.isArray(payload.text_elements) ? (payload.text_elements as unknown[]) : [];
        turn.items.push(userMessageItem(nextId(), [textInput(String(payload.message ?? ""), elements)], ms, ms));
      } else if (payload.type === "task_complete" && current && !ended) {
        end(current, payload, ms);
      } else if (payload.type === "turn_aborted" && current) {
        current.status = "interrupted";
        if (!ended) end(current, payload, ms);
      } else if (payload.type === "patch_apply_end" && current) {
        const id = String(payload.call_id ?? "");
        const status = typeof payload.status === "string" ? payload.status : payload.success === true ? "completed" : "failed";
        // A patch the model sent through the shell shows as the fileChange it was, not a command.
        const shown = current.items.findIndex((i) => i.id === id && i.type === "commandExecution");
        const started = shown === -1 ? null : (current.items[shown]!.startedAtMs as number | null);
        const item = fileChangeItem(id, isChanges(payload.changes) ? payload.changes : {}, status, started, ms);
        calls.delete(id);
        if (shown === -1) current.items.push(item);
        else current.items[shown] = item;
      } else if (payload.type === "item_completed" && isUserShell(payload.item) && current) {
        // The user's own command (thread/shellCommand): recorded whole once it ended, as 0.169 does.
        current.items.push(userShellItem(payload, payload.item));
      } else if (payload.type === "context_compacted") {
        // A compaction before any turn still shows, in a turn of its own.
        const turn = opens || !current ? open(`turn-${turns.length + 1}`, ms, toSeconds(ms)) : current;
        const item = { type: "contextCompaction", id: nextId(), startedAtMs: ms, completedAtMs: ms };
        turn.items.push(item);
        if (!opens) movable.push({ from: turn, item });
      } else if (payload.type === "error" && current) {
        current.status = "failed";
        current.error = { message: String(payload.message ?? ""), codexErrorInfo: "other", additionalDetails: null, misalignment: null };
      }
      continue;
    }
    // The id the turn had live (0.169 and this server record it); older rollouts keep the positional one.
    if (line.type === "turn_context" && current && !named.has(current) && typeof payload?.turn_id === "string") {
      current.id = payload.turn_id;
      current.rootTurnId = payload.turn_id;
      named.add(current);
    }
    if (line.type !== "response_item" || !current) continue;
    const item = line.payload as ResponseItem;
    if (item.type === "message" && item.role === "assistant") {
      const text = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
      // Recorded once complete: when it started streaming is not in the rollout.
      current.items.push(agentMessageItem(item.id ?? nextId(), text, null, ms));
    } else if (item.type === "reasoning") {
      current.items.push(
        reasoningItem(
          item.id ?? nextId(),
          item.summary.map((p) => p.text),
          (item.content ?? []).map((p) => p.text),
          null,
          ms,
        ),
      );
    } else if (item.type === "function_call" && item.name === "shell") {
      const command = shellCommand(item.arguments);
      const view = commandItem(
        item.call_id,
        { command: shellJoin(command), cwd: "", commandActions: commandActions(parseCommand(command)) },
        "completed",
        null,
        null,
        null,
        ms,
        null,
      );
      calls.set(item.call_id, view);
      current.items.push(view);
    } else if (item.type === "function_call_output") {
      const view = calls.get(item.call_id);
      if (view) {
        fillCommandOutput(view, item.output);
        view.completedAtMs = ms;
      }
    }
  }
  return turns;
}

function isUserShell(item: unknown): item is Record<string, unknown> {
  const i = item as Record<string, unknown> | null;
  return typeof i === "object" && i !== null && i.type === "CommandExecution" && i.source === "user_shell";
}

/** The commandExecution item of 0.169's item_completed line (cwd a file URI, duration Rust's { secs, nanos }). */
function userShellItem(payload: Record<string, unknown>, item: Record<string, unknown>): Record<string, unknown> {
  const command = Array.isArray(item.command) ? item.command.map(String) : [];
  const d = item.duration as { secs?: unknown; nanos?: unknown } | undefined;
  const durationMs = typeof d?.secs === "number" && typeof d.nanos === "number" ? d.secs * 1000 + Math.floor(d.nanos / 1e6) : null;
  const parsed = Array.isArray(item.parsed_cmd) ? (item.parsed_cmd as ParsedCommand[]) : parseCommand(command);
  const exitCode = typeof item.exit_code === "number" ? item.exit_code : null;
  const status = typeof item.status === "string" ? item.status : exitCode === 0 ? "completed" : "failed";
  return commandItem(
    String(item.id ?? ""),
    { command: shellJoin(command), cwd: pathOfUri(item.cwd), commandActions: commandActions(parsed), source: "userShell" },
    status,
    typeof item.aggregated_output === "string" ? item.aggregated_output : null,
    exitCode,
    durationMs,
    numberOr(payload.started_at_ms, null),
    numberOr(payload.completed_at_ms, null),
  );
}

function pathOfUri(value: unknown): string {
  const text = String(value ?? "");
  try {
    return text.startsWith("file:") ? fileURLToPath(text) : text;
  } catch {
    return text;
  }
}

function isChanges(value: unknown): value is PatchChanges {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shellCommand(args: string): string[] {
  try {
    const parsed = JSON.parse(args) as { command?: unknown };
    return Array.isArray(parsed.command) ? parsed.command.map(String) : [];
  } catch {
    return [];
  }
}

function fillCommandOutput(view: Record<string, unknown>, output: string): void {
  try {
    const parsed = JSON.parse(output) as { output?: string; metadata?: { exit_code?: number } };
    view.aggregatedOutput = parsed.output ?? null;
    view.exitCode = parsed.metadata?.exit_code ?? null;
    view.status = parsed.metadata?.exit_code === 0 ? "completed" : "failed";
  } catch {
    // Plain text: the command was declined or could not run.
    view.aggregatedOutput = output;
    view.status = output === "exec command rejected by user" ? "declined" : "failed";
  }
}
