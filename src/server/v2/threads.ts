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

  constructor(private readonly deps: V2Deps) {}

  attach(conversation: Conversation): void {
    conversation.approver = this.deps.approver;
    if (this.attached.has(conversation.id)) return;
    this.attached.add(conversation.id);
    const mapper = new ThreadEventMapper(conversation.id);
    conversation.subscribe((event) => {
      for (const n of mapper.map(event)) this.deps.notify(n.method, n.params);
    });
  }

  forget(id: string): void {
    this.attached.delete(id);
  }
}
