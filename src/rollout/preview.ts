// Finds a session's first real user message (the listing preview) from its lines in order.
import type { RolloutLine } from "./types.js";

// Context the session injects as user messages; never what the user typed.
const INJECTED_PREFIXES = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions",
  "<permissions instructions>",
  "<turn_aborted>",
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The text of a response_item user message, else undefined. */
function userItemText(payload: unknown): string | undefined {
  if (!isRecord(payload) || payload.type !== "message" || payload.role !== "user" || !Array.isArray(payload.content)) {
    return undefined;
  }
  const texts: string[] = [];
  for (const part of payload.content) {
    if (isRecord(part) && part.type === "input_text" && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join("\n");
}

/**
 * Feed lines with push() until it returns true, then read result().
 *
 * A user_message event is authoritative. A real response_item user message is only a fallback
 * (sessions built from raw history have no events); since the reference writes the event right
 * after its response_item, the fallback is settled by the first later line that is neither, so a
 * caller never has to read past the first turn to decide.
 */
export class FirstUserMessage {
  #found: string | undefined;
  #fallback: string | undefined;
  #settled = false;

  push(line: RolloutLine): boolean {
    if (this.#settled) return true;
    const p = line.payload;
    const itemText = line.type === "response_item" ? userItemText(p) : undefined;
    if (line.type === "event_msg" && isRecord(p) && p.type === "user_message" && typeof p.message === "string") {
      this.#found = p.message;
      this.#settled = true;
    } else if (itemText !== undefined) {
      if (this.#fallback === undefined && !INJECTED_PREFIXES.some((prefix) => itemText.startsWith(prefix))) {
        this.#fallback = itemText;
      }
    } else if (this.#fallback !== undefined) {
      this.#settled = true;
    }
    return this.#settled;
  }

  /** The preview, or undefined when the session has no user message (and is not listed). */
  result(): string | undefined {
    return this.#found ?? this.#fallback;
  }
}
