// The v2 face's live threads: a conversation becomes a thread once v2 starts, resumes or forks it;
// its events then go to the client as v2 notifications, without a listener call. The client stays
// subscribed until thread/unsubscribe; when it leaves, the thread unloads as soon as it is idle
// (thread/status/changed notLoaded + thread/closed), and a later thread/resume loads it again.
import type { Approver, Conversation } from "../../core/conversation.js";
import type { ConversationManager } from "../../core/conversation-manager.js";
import type { ConfigSource } from "../../config/load.js";
import { ThreadEventMapper } from "./event-mapping.js";
import { ThreadStatusTracker } from "./thread-status.js";

export interface V2Deps {
  manager: ConversationManager;
  config: ConfigSource;
  approver: Approver;
  notify(method: string, params: unknown): void;
}

export type UnsubscribeStatus = "notLoaded" | "notSubscribed" | "unsubscribed";

export class V2Threads {
  /** The listener to remove, by thread id, of every thread this client is subscribed to. */
  private readonly attached = new Map<string, () => void>();
  /** Threads this face has shown the client: their unloads are announced. */
  private readonly shown = new Set<string>();
  /** Threads whose notifications wait (in order) for a reply to go out first. */
  private readonly held = new Map<string, { count: number; queue: { method: string; params: unknown }[] }>();

  constructor(private readonly deps: V2Deps) {
    deps.manager.onUnload((id, how) => {
      if (!this.shown.has(id)) return;
      this.forget(id);
      if (how === "removed") this.shown.delete(id);
      deps.notify("thread/status/changed", { threadId: id, status: { type: "notLoaded" } });
      // As 0.169: archive and delete tell only the status; closed is for a thread that unloads.
      if (how === "unloaded") deps.notify("thread/closed", { threadId: id });
    });
  }

  attach(conversation: Conversation): void {
    conversation.approver = this.deps.approver;
    this.shown.add(conversation.id);
    if (this.attached.has(conversation.id)) return;
    const mapper = new ThreadEventMapper(conversation.id);
    const status = new ThreadStatusTracker();
    const send = (method: string, params: unknown) => {
      const hold = this.held.get(conversation.id);
      if (hold) hold.queue.push({ method, params });
      else this.deps.notify(method, params);
    };
    const stop = conversation.subscribe((event) => {
      // The reference tells the status first: active before turn/started, idle before turn/completed.
      const changed = status.next(event);
      if (changed) send("thread/status/changed", { threadId: conversation.id, status: changed });
      for (const n of mapper.map(event)) send(n.method, n.params);
    });
    this.attached.set(conversation.id, stop);
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

  /** The client leaves the thread; the last one to leave unloads it once no turn runs. */
  unsubscribe(id: string): UnsubscribeStatus {
    const conversation = this.deps.manager.get(id);
    if (!conversation) return "notLoaded";
    const stop = this.attached.get(id);
    if (!stop) return "notSubscribed";
    this.attached.delete(id);
    stop();
    this.deps.manager.unloadWhenIdle(id);
    return "unsubscribed";
  }

  /** Stops the notifications of a thread that is being unloaded or removed. */
  forget(id: string): void {
    this.attached.get(id)?.();
    this.attached.delete(id);
  }
}
