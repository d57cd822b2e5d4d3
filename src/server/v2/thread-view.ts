// Projections onto the v2 Thread and Turn shapes: from a live conversation, from a listing
// summary, and turns rebuilt from rollout lines. Pure functions.
import type { Conversation } from "../../core/conversation.js";
import type { ResponseItem } from "../../model/types.js";
import type { ConversationSummary, GitInfo, RolloutLine } from "../../rollout/types.js";
import { parseCommand, shellJoin } from "../../tools/parse-command.js";
import type { PatchChanges } from "../../core/events.js";
import { commandActions, fileChangeItem } from "./event-mapping.js";

export interface ThreadView {
  id: string;
  preview: string;
  modelProvider: string;
  createdAt: number;
  updatedAt: number;
  path: string;
  cwd: string;
  cliVersion: string;
  source: string;
  gitInfo: { sha: string | null; branch: string | null; originUrl: string | null } | null;
  /** Set by thread/name/set; kept in session_index.jsonl, not in the rollout. */
  name: string | null;
  turns: TurnView[];
}

export interface TurnView {
  id: string;
  items: Record<string, unknown>[];
  status: "completed" | "interrupted" | "failed" | "inProgress";
  error: { message: string; codexErrorInfo: unknown; additionalDetails: string | null } | null;
}

const seconds = (iso: string | null | undefined, fallback: number) => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? fallback : Math.floor(ms / 1000);
};

function gitView(git: GitInfo | null | undefined): ThreadView["gitInfo"] {
  if (!git) return null;
  return { sha: git.commit_hash ?? null, branch: git.branch ?? null, originUrl: git.repository_url ?? null };
}

export function threadFromConversation(conversation: Conversation, preview: string, turns: TurnView[] = []): ThreadView {
  const meta = conversation.meta;
  const now = Math.floor(Date.now() / 1000);
  return {
    id: conversation.id,
    preview,
    modelProvider: meta.model_provider,
    createdAt: seconds(meta.timestamp, now),
    updatedAt: now,
    path: conversation.rolloutPath,
    cwd: meta.cwd,
    cliVersion: meta.cli_version,
    source: meta.source,
    gitInfo: gitView(meta.git),
    name: null,
    turns,
  };
}

export function threadFromSummary(summary: ConversationSummary): ThreadView {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: summary.conversationId,
    preview: summary.preview,
    modelProvider: summary.modelProvider,
    createdAt: seconds(summary.timestamp, now),
    updatedAt: seconds(summary.updatedAt, now),
    path: summary.path,
    cwd: summary.cwd,
    cliVersion: summary.cliVersion,
    source: summary.source,
    gitInfo: summary.gitInfo ? { sha: summary.gitInfo.sha, branch: summary.gitInfo.branch, originUrl: summary.gitInfo.origin_url } : null,
    name: null,
    turns: [],
  };
}

/** Turns rebuilt from a rollout: one per user_message event, with the items that followed it. */
export function buildTurns(lines: readonly RolloutLine[]): TurnView[] {
  const turns: TurnView[] = [];
  let current: TurnView | undefined;
  let itemNumber = 0;
  const nextId = () => `item-${++itemNumber}`;
  const calls = new Map<string, Record<string, unknown>>();
  const named = new Set<TurnView>();
  for (const line of lines) {
    const payload = line.payload as Record<string, unknown>;
    if (line.type === "event_msg") {
      if (payload.type === "user_message" && payload.steered === true && current) {
        // Input steered into the running turn (turn/steer) belongs to it.
        current.items.push({ type: "userMessage", id: nextId(), content: [{ type: "text", text: String(payload.message ?? "") }] });
      } else if (payload.type === "user_message") {
        current = { id: `turn-${turns.length + 1}`, items: [], status: "completed", error: null };
        turns.push(current);
        current.items.push({ type: "userMessage", id: nextId(), content: [{ type: "text", text: String(payload.message ?? "") }] });
      } else if (payload.type === "turn_aborted" && current) {
        current.status = "interrupted";
      } else if (payload.type === "patch_apply_end" && current) {
        const id = String(payload.call_id ?? "");
        const status = typeof payload.status === "string" ? payload.status : payload.success === true ? "completed" : "failed";
        const item = fileChangeItem(id, isChanges(payload.changes) ? payload.changes : {}, status);
        // A patch the model sent through the shell shows as the fileChange it was, not a command.
        const shown = current.items.findIndex((i) => i.id === id && i.type === "commandExecution");
        calls.delete(id);
        if (shown === -1) current.items.push(item);
        else current.items[shown] = item;
      } else if (payload.type === "context_compacted") {
        // A compaction before any turn (or on its own) still shows, in a turn of its own.
        if (!current) turns.push((current = { id: `turn-${turns.length + 1}`, items: [], status: "completed", error: null }));
        current.items.push({ type: "contextCompaction", id: nextId() });
      } else if (payload.type === "error" && current) {
        current.status = "failed";
        current.error = { message: String(payload.message ?? ""), codexErrorInfo: "other", additionalDetails: null };
      }
      continue;
    }
    // The id the turn had live (0.169 and this server record it); older rollouts keep the positional one.
    if (line.type === "turn_context" && current && !named.has(current) && typeof payload?.turn_id === "string") {
      current.id = payload.turn_id;
      named.add(current);
    }
    if (line.type !== "response_item" || !current) continue;
    const item = line.payload as ResponseItem;
    if (item.type === "message" && item.role === "assistant") {
      const text = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
      current.items.push({ type: "agentMessage", id: item.id ?? nextId(), text });
    } else if (item.type === "reasoning") {
      current.items.push({
        type: "reasoning",
        id: item.id ?? nextId(),
        summary: item.summary.map((p) => p.text),
        content: (item.content ?? []).map((p) => p.text),
      });
    } else if (item.type === "function_call" && item.name === "shell") {
      const command = shellCommand(item.arguments);
      const view = {
        type: "commandExecution",
        id: item.call_id,
        command: shellJoin(command),
        cwd: "",
        processId: null,
        status: "completed",
        commandActions: commandActions(parseCommand(command)),
        aggregatedOutput: null as string | null,
        exitCode: null as number | null,
        durationMs: null,
      };
      calls.set(item.call_id, view);
      current.items.push(view);
    } else if (item.type === "function_call_output") {
      const view = calls.get(item.call_id);
      if (view) fillCommandOutput(view, item.output);
    }
  }
  return turns;
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
