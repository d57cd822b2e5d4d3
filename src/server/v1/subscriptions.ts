// addConversationListener subscriptions of this connection: each one forwards a conversation's
// events as `codex/event/<type>` notifications until removed. While it has one, the connection is
// a v1 subscriber of the conversation in the process-wide registry (approvals, pacing).
import { randomUUID } from "node:crypto";
import type { Conversation } from "../../core/conversation.js";
import { lastRateLimits } from "../../model/rate-limits.js";
import type { Subscriber, ThreadSubscriptions } from "../thread-subscriptions.js";
import { toEventMsgs } from "./event-mapping.js";

type Notify = (method: string, params: unknown) => void;

interface Subscription {
  conversationId: string;
  stop: () => void;
}

export class ConversationSubscriptions {
  private readonly subs = new Map<string, Subscription>();

  constructor(
    private readonly notify: Notify,
    private readonly registry?: { subscriptions: ThreadSubscriptions; subscriber: Subscriber },
  ) {}

  add(conversation: Conversation): string {
    const id = randomUUID();
    const conversationId = conversation.id;
    const stop = conversation.subscribe((event) => {
      for (const msg of toEventMsgs(event, conversationId, lastRateLimits())) {
        this.notify(`codex/event/${msg.type}`, { id: event.turnId, msg, conversationId });
      }
    });
    this.subs.set(id, { conversationId, stop });
    this.registry?.subscriptions.subscribe(conversationId, this.registry.subscriber, () => this.removeAllFor(conversationId));
    return id;
  }

  remove(subscriptionId: string): boolean {
    const sub = this.subs.get(subscriptionId);
    if (!sub) return false;
    sub.stop();
    this.subs.delete(subscriptionId);
    if (this.registry && !this.hasListener(sub.conversationId)) {
      this.registry.subscriptions.unsubscribe(sub.conversationId, this.registry.subscriber.connectionId, "v1");
    }
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
