// The v2 face's threads of one connection: a conversation becomes a thread this connection follows
// once it starts, resumes or forks it; its events then go to this client as v2 notifications,
// without a listener call. Following is recorded in the process-wide registry, so other
// connections can follow the same thread.
import type { Approver, Conversation } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { ConfigSource } from "../../config/load.js";
import type { Subscriber, ThreadSubscriptions } from "../thread-subscriptions.js";
import { ThreadEventMapper } from "./event-mapping.js";

export interface V2Deps {
  manager: ConversationManager;
  config: ConfigSource;
  /** The process-wide approver (routes to a subscriber). */
  approver: Approver;
  /** To this connection. */
  notify(method: string, params: unknown): void;
  /** To every initialized connection (thread/started and the like). */
  broadcast(method: string, params: unknown): void;
  subscriptions: ThreadSubscriptions;
  /** This connection as a v2 subscriber. */
  subscriber: Subscriber;
}

export class V2Threads {
  constructor(private readonly deps: V2Deps) {}

  attach(conversation: Conversation): void {
    conversation.approver = this.deps.approver;
    const { subscriptions, subscriber } = this.deps;
    if (subscriber.closed.aborted || subscriptions.isSubscribed(conversation.id, subscriber.connectionId, "v2")) return;
    const mapper = new ThreadEventMapper(conversation.id);
    const stop = conversation.subscribe((event) => {
      for (const n of mapper.map(event)) this.deps.notify(n.method, n.params);
    });
    subscriptions.subscribe(conversation.id, subscriber, stop);
  }

  /** This connection stops following the thread. */
  detach(id: string): boolean {
    return this.deps.subscriptions.unsubscribe(id, this.deps.subscriber.connectionId, "v2");
  }

  /** The thread is gone for everyone (archived). */
  forget(id: string): void {
    this.deps.subscriptions.forgetThread(id);
  }

  /** The connection submits a turn: approvals for it come here first. */
  ownTurn(id: string): void {
    this.deps.subscriptions.setTurnOwner(id, this.deps.subscriber.connectionId);
  }
}
