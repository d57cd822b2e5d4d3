// What a compacted history is made of, as pure functions: the summarisation prompt, the prefix the
// summary travels under, which user messages survive (the newest, within a token budget), and the
// history rebuilt from the session's context items, those messages and the summary. The step that
// asks the model and swaps the history is compaction-step.ts.
import type { ResponseItem } from "../model/types.js";

/** Sent as the last user message of a summarisation request (config compact_prompt replaces it). */
export const COMPACT_PROMPT = `Context checkpoint: the conversation so far is about to be replaced by your summary, and another model will pick the work up from it.

Write a concise, structured handoff that covers:
- the user's goal and any constraints or preferences they stated;
- what has been done so far and the decisions taken (files, commands, results);
- what is still left to do, as concrete next steps;
- any data, names, paths or snippets the next model needs to continue.

Write only the summary.`;

/** Opens the summary message in the new history, so the model reads it as a handoff, not as a user request. */
export const SUMMARY_PREFIX =
  "An earlier model worked on this conversation and left the summary below before its context was compacted. The user messages above are the ones it received. Build on this summary and avoid redoing work it reports as done:";

/** User messages kept beside the summary, newest first, up to this many (approximate) tokens. */
export const USER_MESSAGE_TOKEN_BUDGET = 20_000;

/** Tokens as the reference estimates them when it has no tokenizer: about four bytes each. */
export function approxTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 4);
}

/** What the reference counts for an inline image whatever its size (a resized image). */
const IMAGE_BYTES_ESTIMATE = 7373;

/** Bytes the model sees of one item: opaque encrypted content counts at about 3/4 of its length, less 650. */
function itemBytes(item: ResponseItem): number {
  const encrypted = item.type === "compaction" ? item.encrypted_content : item.type === "reasoning" ? item.encrypted_content : null;
  if (typeof encrypted === "string") return Math.max(0, Math.floor((encrypted.length * 3) / 4) - 650);
  let bytes = Buffer.byteLength(JSON.stringify(item), "utf8");
  if (item.type === "message") {
    for (const c of item.content) {
      // A base64 image counts as a fixed estimate, not as its payload.
      const payload = c.type === "input_image" ? /^data:image\/[^;,]*;base64,(.*)$/s.exec(c.image_url)?.[1] : undefined;
      if (payload) bytes += IMAGE_BYTES_ESTIMATE - payload.length;
    }
  }
  return bytes;
}

/** What a history (with its instructions) is estimated to take in the window, as the reference estimates it after a compaction. */
export function estimateHistoryTokens(instructions: string, history: readonly ResponseItem[]): number {
  return history.reduce((sum, item) => sum + Math.ceil(itemBytes(item) / 4), approxTokens(instructions));
}

export function summaryText(summary: string): string {
  return `${SUMMARY_PREFIX}\n${summary}`;
}

export function isSummaryMessage(text: string): boolean {
  return text.startsWith(`${SUMMARY_PREFIX}\n`);
}

function textOf(item: Extract<ResponseItem, { type: "message" }>): string {
  return item.content.map((c) => (c.type === "input_image" ? "" : c.text)).join("");
}

// Context the server adds as user-role messages: not what the user typed.
const CONTEXT_OPENERS = ["<environment_context>", "<user_instructions>", "# AGENTS.md instructions", "<turn_aborted>", "<user_shell_command>"];

function isContextMessage(text: string): boolean {
  const start = text.trimStart();
  return CONTEXT_OPENERS.some((open) => start.startsWith(open));
}

/** What the user typed, in order: no context messages, no earlier summaries. */
export function collectUserMessages(history: readonly ResponseItem[]): string[] {
  const out: string[] = [];
  for (const item of history) {
    if (item.type !== "message" || item.role !== "user") continue;
    const text = textOf(item);
    if (text === "" || isContextMessage(text) || isSummaryMessage(text)) continue;
    out.push(text);
  }
  return out;
}

/**
 * The session's context as the model must keep hearing it: the newest permissions (developer)
 * message and the newest environment context, in their original order.
 */
export function initialContext(history: readonly ResponseItem[]): ResponseItem[] {
  let developer: number | undefined;
  let environment: number | undefined;
  history.forEach((item, i) => {
    if (item.type !== "message") return;
    if (item.role === "developer") developer = i;
    else if (item.role === "user" && textOf(item).trimStart().startsWith("<environment_context>")) environment = i;
  });
  return [developer, environment]
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b)
    .map((i) => history[i]!);
}

/** Keeps the start and the end of `text` within `tokens`, saying how much was cut from the middle. */
export function truncateToTokens(text: string, tokens: number): string {
  const total = approxTokens(text);
  if (total <= tokens) return text;
  const keep = Math.max(0, tokens * 4);
  const chars = [...text];
  // Characters, not bytes: a cut never splits a code point.
  const head = chars.slice(0, Math.floor(keep / 2)).join("");
  const tail = chars.slice(chars.length - Math.ceil(keep / 2)).join("");
  return `${head}\n[… ${total - tokens} tokens truncated …]\n${tail}`;
}

/** Context, then the newest user messages within the budget (oldest first), then the summary. */
export function buildCompactedHistory(
  context: readonly ResponseItem[],
  userMessages: readonly string[],
  summary: string,
  budget = USER_MESSAGE_TOKEN_BUDGET,
): ResponseItem[] {
  const kept: string[] = [];
  let remaining = budget;
  for (let i = userMessages.length - 1; i >= 0 && remaining > 0; i--) {
    const message = userMessages[i]!;
    const tokens = approxTokens(message);
    if (tokens <= remaining) {
      kept.push(message);
      remaining -= tokens;
    } else {
      kept.push(truncateToTokens(message, remaining));
      break;
    }
  }
  kept.reverse();
  const user = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
  return [...context, ...kept.map(user), user(summary === "" ? "(no summary available)" : summary)];
}

/** The history a rollout leaves for the model: its items, with each compaction replacing what came before. */
export function historyFromRollout(lines: readonly { type: string; payload: unknown }[]): ResponseItem[] {
  let history: ResponseItem[] = [];
  for (const line of lines) {
    if (line.type === "response_item") {
      history.push(line.payload as ResponseItem);
    } else if (line.type === "compacted") {
      const payload = line.payload as { message?: unknown; replacement_history?: unknown };
      if (Array.isArray(payload.replacement_history)) {
        history = [...(payload.replacement_history as ResponseItem[])];
      } else if (typeof payload.message === "string") {
        // Written without the new history (an older reference): rebuilt the way it was built.
        history = buildCompactedHistory(initialContext(history), collectUserMessages(history), payload.message);
      }
    }
  }
  return history;
}
