// v1 conversation methods: create, listen, send, interrupt.
import { AskForApproval, ReasoningEffort, ReasoningSummary } from "../config.js";
import * as s from "../schema.js";
import { ConversationId, InputItem, SandboxPolicy } from "./common.js";

export const AddConversationListenerParams = s.object({
  conversationId: ConversationId,
  experimentalRawEvents: s.optional(s.boolean()),
});
export const AddConversationListenerResult = s.object({ subscriptionId: s.string() });

export const RemoveConversationListenerParams = s.object({ subscriptionId: s.string() });
export const EmptyResult = s.object({});

export const SendUserMessageParams = s.object({ conversationId: ConversationId, items: s.array(InputItem) });
export type SendUserMessageParams = s.Infer<typeof SendUserMessageParams>;

export const SendUserTurnParams = s.object({
  conversationId: ConversationId,
  items: s.array(InputItem),
  cwd: s.string(),
  approvalPolicy: AskForApproval,
  sandboxPolicy: SandboxPolicy,
  model: s.string(),
  effort: s.optional(ReasoningEffort),
  summary: ReasoningSummary,
  outputSchema: s.optional(s.unknown()),
});
export type SendUserTurnParams = s.Infer<typeof SendUserTurnParams>;

export const InterruptConversationParams = s.object({ conversationId: ConversationId });
export const InterruptConversationResult = s.object({ abortReason: s.enumOf(["interrupted", "replaced", "review_ended"]) });

/** `codex/event/<type>` notification params. msg is an EventMsg (snake_case fields). */
export const EventNotification = s.object({
  id: s.string(),
  msg: s.record(s.unknown()),
  conversationId: ConversationId,
});
export type EventNotification = s.Infer<typeof EventNotification>;
