// The v2 face's live threads: a conversation becomes a thread once v2 starts, resumes or forks it;
// its events then go to the client as v2 notifications, without a listener call.
import type { Approver, Conversation } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { ConfigSource } from "../../config/load.js";
import { ThreadEventMapper } from "./event-mapping.js";

export interface V2Deps {
  manager: ConversationManager;
  config: ConfigSource;
  approver: Approver;
  notify(method: string, params: unknown): void;
}

export class V2Threads {
  private readonly attached = new Set<string>();
  /** Threads whose notifications wait (in order) for a reply to go out first. */
  private readonly held = new Map<string, { count: number; queue: { method: string; params: unknown }[] }>();

  constructor(private readonly deps: V2Deps) {}

  attach(conversation: Conversation): void {
    conversation.approver = this.deps.approver;
    if (this.attached.has(conversation.id)) return;
    this.attached.add(conversation.id);
    const mapper = new ThreadEventMapper(conversation.id);
    conversation.subscribe((event) => {
      for (const n of mapper.map(event)) {
        const hold = this.held.get(conversation.id);
        if (hold) hold.queue.push(n);
        else this.deps.notify(n.method, n.params);
      }
    });
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

  forget(id: string): void {
    this.attached.delete(id);
  }
}
