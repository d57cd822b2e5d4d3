// The v2 face's threads of one connection: a conversation becomes a thread this connection follows
// once it starts, resumes or forks it; its events then go to this client as v2 notifications,
// without a listener call. Following is recorded in the process-wide registry, so other
// connections can follow the same thread. The client follows until thread/unsubscribe or until it
// disconnects; when the last follower leaves, the thread unloads as soon as it is idle
// (thread/status/changed notLoaded + thread/closed), and a later thread/resume loads it again.
// Status changes are not sent from here: ServerCore.broadcastThreadStatus tells every client once
// per change, through deliver() for this one.
import type { Approver, Conversation } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { ConfigSource } from "../../config/load.js";
import type { Subscriber, ThreadSubscriptions } from "../thread-subscriptions.js";
import type { ClientOrigin } from "../../originator.js";
import { ThreadEventMapper } from "./event-mapping.js";

export interface V2Deps {
  manager: ConversationManager;
  config: ConfigSource;
  /** The process-wide approver (routes to a subscriber). */
  approver: Approver;
  /** To this connection. */
  notify(method: string, params: unknown): void;
  /** This connection's client (threads it starts name it to the model). */
  origin?(): ClientOrigin | undefined;
  /** To every initialized connection (thread/started and the like). */
  broadcast(method: string, params: unknown): void;
  subscriptions: ThreadSubscriptions;
  /** This connection as a v2 subscriber. */
  subscriber: Subscriber;
}

export type UnsubscribeStatus = "notLoaded" | "notSubscribed" | "unsubscribed";

export class V2Threads {
  /** Threads this connection has been shown: their unloads are announced to it. */
  private readonly shown = new Set<string>();
  /** Threads whose notifications wait (in order) for a reply to go out first. */
  private readonly held = new Map<string, { count: number; queue: { method: string; params: unknown }[] }>();

  constructor(private readonly deps: V2Deps) {
    const off = deps.manager.onUnload((id, how) => {
      if (!this.shown.has(id)) return;
      this.detach(id);
      if (how === "removed") this.shown.delete(id);
      // As 0.169: archive and delete tell only the status; closed is for a thread that unloads.
      if (how === "unloaded") deps.notify("thread/closed", { threadId: id });
    });
    deps.subscriber.closed.addEventListener("abort", off, { once: true });
  }

  attach(conversation: Conversation): void {
    conversation.approver = this.deps.approver;
    this.shown.add(conversation.id);
    const { subscriptions, subscriber } = this.deps;
    if (subscriber.closed.aborted || subscriptions.isSubscribed(conversation.id, subscriber.connectionId, "v2")) return;
    const mapper = new ThreadEventMapper(conversation.id);
    const stop = conversation.subscribe((event) => {
      for (const n of mapper.map(event)) this.deliver(conversation.id, n.method, n.params);
    });
    subscriptions.subscribe(conversation.id, subscriber, stop);
  }

  /** A notification about the thread: queued while a reply about it is held back. */
  deliver(id: string, method: string, params: unknown): void {
    const hold = this.held.get(id);
    if (hold) hold.queue.push({ method, params });
    else this.deps.notify(method, params);
  }

  /** Holds the thread's notifications until the returned release is called (once per hold). */
  hold(id: string): () => void {
    const hold = this.held.get(id) ?? { count: 0, queue: [] };
    hold.count++;
    this.held.set(id, hold);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--hold.count > 0) return;
      this.held.delete(id);
      for (const n of hold.queue) this.deps.notify(n.method, n.params);
    };
  }

  /** This client leaves the thread; when nobody follows it any more it unloads once no turn runs. */
  unsubscribe(id: string): UnsubscribeStatus {
    if (!this.deps.manager.get(id)) return "notLoaded";
    if (!this.detach(id)) return "notSubscribed";
    if (this.deps.subscriptions.subscribers(id).length === 0) this.deps.manager.unloadWhenIdle(id);
    return "unsubscribed";
  }

  /** This connection stops following the thread (its notifications stop). */
  detach(id: string): boolean {
    return this.deps.subscriptions.unsubscribe(id, this.deps.subscriber.connectionId, "v2");
  }

  /** Stops this connection's notifications of a thread that is being unloaded or removed. */
  forget(id: string): void {
    this.detach(id);
  }

  /** The connection submits a turn: approvals for it come here first. */
  ownTurn(id: string): void {
    this.deps.subscriptions.setTurnOwner(id, this.deps.subscriber.connectionId);
  }
}
