// Every conversation's approver: asks the connection that submitted the running turn, else another
// subscriber. When the asked connection goes away mid-question the next subscriber is asked; when
// nobody is left because clients disconnected, the question waits `graceMs` for a client to
// resume the thread, then counts as declined. A thread nobody ever followed is declined at once.
import type { ApprovalDecision } from "../core/approval-policy.js";
import type { Approver } from "../core/conversation.js";
import type { Subscriber, ThreadSubscriptions } from "./thread-subscriptions.js";

const GONE = Symbol("connection gone");

export function routedApprover(subscriptions: ThreadSubscriptions, graceMs: number): Approver {
  return async (threadId, request, signal) => {
    const asked = new Set<Subscriber>();
    let deadline: number | undefined;
    while (!signal.aborted) {
      const candidates = subscriptions.subscribers(threadId).filter((s) => !asked.has(s) && !s.closed.aborted);
      const owner = subscriptions.turnOwner(threadId);
      const pick = candidates.find((s) => s.connectionId === owner) ?? candidates[0];
      if (!pick) {
        if (asked.size === 0 && !subscriptions.isOrphaned(threadId)) return "denied";
        deadline ??= Date.now() + graceMs;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return "denied";
        await subscriptions.whenSubscribed(threadId, remaining, signal);
        continue;
      }
      asked.add(pick);
      const answer = await askUnlessGone(pick, threadId, request, signal);
      if (answer !== GONE) return answer;
    }
    return "denied";
  };
}

async function askUnlessGone(
  subscriber: Subscriber,
  threadId: string,
  request: Parameters<Approver>[1],
  signal: AbortSignal,
): Promise<ApprovalDecision | typeof GONE> {
  // A closed connection rejects its pending requests, which the face reads as "denied": the
  // closed signal (set before the connection is disposed) tells the two apart.
  let onGone = () => {};
  const gone = new Promise<typeof GONE>((resolve) => {
    onGone = () => resolve(GONE);
    subscriber.closed.addEventListener("abort", onGone, { once: true });
  });
  try {
    const answer = await Promise.race([subscriber.approver(threadId, request, signal), gone]);
    return subscriber.closed.aborted ? GONE : answer;
  } finally {
    subscriber.closed.removeEventListener("abort", onGone);
  }
}
