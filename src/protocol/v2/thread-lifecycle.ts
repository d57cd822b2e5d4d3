// v2 thread lifecycle as 0.169 has it: delete, unsubscribe (+ closed), status changes, paged turns
// and items, rollback (0.90's), and steering a running turn. Kept apart from thread.ts, whose
// Thread and Turn shapes these reuse.
import * as s from "../schema.js";
import { Thread } from "./thread.js";
import { Turn, UserInput } from "./turn.js";

export const ThreadDeleteParams = s.object({ threadId: s.string() });
export const ThreadDeletedNotification = s.object({ threadId: s.string() });

export const ThreadUnsubscribeParams = s.object({ threadId: s.string() });
export const ThreadUnsubscribeStatus = s.enumOf(["notLoaded", "notSubscribed", "unsubscribed"]);
export const ThreadUnsubscribeResponse = s.object({ status: ThreadUnsubscribeStatus });
export const ThreadClosedNotification = s.object({ threadId: s.string() });

export const ThreadActiveFlag = s.enumOf(["waitingOnApproval", "waitingOnUserInput"]);
export const ThreadStatus = s.union([
  s.object({ type: s.literal("notLoaded") }),
  s.object({ type: s.literal("idle") }),
  s.object({ type: s.literal("systemError") }),
  s.object({ type: s.literal("active"), activeFlags: s.array(ThreadActiveFlag) }),
]);
export const ThreadStatusChangedNotification = s.object({ threadId: s.string(), status: ThreadStatus });

export const SortDirection = s.enumOf(["asc", "desc"]);
export const TurnItemsView = s.enumOf(["notLoaded", "summary", "full"]);

export const ThreadTurnsListParams = s.object({
  threadId: s.string(),
  cursor: s.optional(s.nullable(s.string())),
  limit: s.optional(s.nullable(s.integer())),
  sortDirection: s.optional(s.nullable(SortDirection)),
  itemsView: s.optional(s.nullable(TurnItemsView)),
});
export type ThreadTurnsListParams = s.Infer<typeof ThreadTurnsListParams>;
export const ThreadTurnsListResponse = s.object({ data: s.array(Turn), nextCursor: s.nullable(s.string()), backwardsCursor: s.nullable(s.string()) });

export const ThreadItemsListAnchor = s.object({ type: s.literal("item"), itemId: s.string() });
export const ThreadItemsListParams = s.object({
  threadId: s.string(),
  turnId: s.optional(s.nullable(s.string())),
  cursor: s.optional(s.nullable(s.union([s.string(), ThreadItemsListAnchor]))),
  limit: s.optional(s.nullable(s.integer())),
  sortDirection: s.optional(s.nullable(SortDirection)),
  deferOutput: s.optional(s.nullable(s.record(s.unknown()))),
});
export type ThreadItemsListParams = s.Infer<typeof ThreadItemsListParams>;
export const ThreadItemEntry = s.object({
  turnId: s.string(),
  item: s.record(s.unknown()),
  startedAtMs: s.nullable(s.integer()),
  completedAtMs: s.nullable(s.integer()),
});
export const ThreadItemsListResponse = s.object({ data: s.array(ThreadItemEntry), nextCursor: s.nullable(s.string()), backwardsCursor: s.nullable(s.string()) });

export const ThreadRollbackParams = s.object({ threadId: s.string(), numTurns: s.integer() });
export const ThreadRollbackResponse = s.object({ thread: Thread });

export const TurnSteerParams = s.object({
  threadId: s.string(),
  expectedTurnId: s.string(),
  input: s.array(UserInput),
  clientUserMessageId: s.optional(s.nullable(s.string())),
});
export type TurnSteerParams = s.Infer<typeof TurnSteerParams>;
export const TurnSteerResponse = s.object({ turnId: s.string() });
