// addConversationListener subscriptions of this connection: each one forwards a conversation's
// events as `codex/event/<type>` notifications until removed.
import { randomUUID } from "node:crypto";
import type { Conversation } from "../../core/conversation.js";
import { lastRateLimits } from "../../model/rate-limits.js";
import { toEventMsgs } from "./event-mapping.js";

type Notify = (method: string, params: unknown) => void;

interface Subscription {
  conversationId: string;
  stop: () => void;
}

export class ConversationSubscriptions {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly notify: Notify) {}

  add(conversation: Conversation): string {
    const id = randomUUID();
    const conversationId = conversation.id;
    const stop = conversation.subscribe((event) => {
      for (const msg of toEventMsgs(event, conversationId, lastRateLimits())) {
        this.notify(`codex/event/${msg.type}`, { id: event.turnId, msg, conversationId });
      }
    });
    this.subs.set(id, { conversationId, stop });
    return id;
  }

  remove(subscriptionId: string): boolean {
    const sub = this.subs.get(subscriptionId);
    if (!sub) return false;
    sub.stop();
    this.subs.delete(subscriptionId);
    return true;
  }

  hasListener(conversationId: string): boolean {
    for (const sub of this.subs.values()) if (sub.conversationId === conversationId) return true;
    return false;
  }

  removeAllFor(conversationId: string): void {
    for (const [id, sub] of this.subs) if (sub.conversationId === conversationId) this.remove(id);
  }
}
