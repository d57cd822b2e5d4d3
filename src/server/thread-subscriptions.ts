// Which connections follow which thread, for the whole process. A connection subscribes when it
// starts, resumes or forks a thread (v2) or adds a listener (v1); only subscribers get the thread's
// turn and item events, are paced against, and are asked for approvals. The connection that last
// submitted a turn owns it (approvals go there first). thread/unsubscribe and a closed connection
// both come through `unsubscribe`.
import type { Approver } from "../core/conversation.js";

export interface Subscriber {
  connectionId: string;
  /** v1 listener or v2 thread: one connection may follow a thread through both faces. */
  face: "v1" | "v2";
  /** Asks this connection's client, in the shape of the face it subscribed through. */
  approver: Approver;
  /** This connection's output backlog (see ProtocolWriter.paced). */
  pace(): Promise<void> | undefined;
  /** Aborted when the connection is gone. */
  closed: AbortSignal;
}

interface Entry {
  subscriber: Subscriber;
  /** Stops the event forwarding this subscription set up. */
  stop(): void;
}

export class ThreadSubscriptions {
  private readonly byThread = new Map<string, Map<string, Entry>>();
  private readonly owners = new Map<string, string>();
  /** Threads whose last subscriber left by disconnecting: an approval waits a while for another. */
  private readonly orphaned = new Set<string>();
  private waiters: { threadId: string; wake(): void }[] = [];

  /** False when this connection already follows the thread through this face. */
  subscribe(threadId: string, subscriber: Subscriber, stop: () => void): boolean {
    let entries = this.byThread.get(threadId);
    if (!entries) this.byThread.set(threadId, (entries = new Map()));
    const key = `${subscriber.connectionId}/${subscriber.face}`;
    if (entries.has(key)) return false;
    entries.set(key, { subscriber, stop });
    this.orphaned.delete(threadId);
    this.waiters = this.waiters.filter((w) => {
      if (w.threadId !== threadId) return true;
      w.wake();
      return false;
    });
    return true;
  }

  /** Ends every subscription of the connection to the thread (both faces unless one is named). */
  unsubscribe(threadId: string, connectionId: string, face?: Subscriber["face"]): boolean {
    const entries = this.byThread.get(threadId);
    if (!entries) return false;
    let removed = false;
    for (const [key, entry] of entries) {
      if (entry.subscriber.connectionId !== connectionId || (face && entry.subscriber.face !== face)) continue;
      // Deleted before stop(): a stop that unsubscribes again finds nothing.
      entries.delete(key);
      removed = true;
      entry.stop();
    }
    if (entries.size === 0) this.byThread.delete(threadId);
    return removed;
  }

  isSubscribed(threadId: string, connectionId: string, face?: Subscriber["face"]): boolean {
    return this.subscribers(threadId).some((s) => s.connectionId === connectionId && (!face || s.face === face));
  }

  subscribers(threadId: string): Subscriber[] {
    return [...(this.byThread.get(threadId)?.values() ?? [])].map((e) => e.subscriber);
  }

  /** Threads this connection follows. */
  threadsOf(connectionId: string): string[] {
    const threads: string[] = [];
    for (const [threadId, entries] of this.byThread) {
      for (const e of entries.values()) if (e.subscriber.connectionId === connectionId) threads.push(threadId);
    }
    return [...new Set(threads)];
  }

  /** The connection is gone: every subscription ends, and threads it was the last to follow are orphaned. */
  dropConnection(connectionId: string): void {
    for (const threadId of this.threadsOf(connectionId)) {
      this.unsubscribe(threadId, connectionId);
      if (!this.byThread.has(threadId)) this.orphaned.add(threadId);
    }
    for (const [threadId, owner] of this.owners) if (owner === connectionId) this.owners.delete(threadId);
  }

  /** The thread is gone (archived, closed): nobody follows it any more. */
  forgetThread(threadId: string): void {
    for (const entry of this.byThread.get(threadId)?.values() ?? []) entry.stop();
    this.byThread.delete(threadId);
    this.owners.delete(threadId);
    this.orphaned.delete(threadId);
  }

  setTurnOwner(threadId: string, connectionId: string): void {
    this.owners.set(threadId, connectionId);
  }

  turnOwner(threadId: string): string | undefined {
    return this.owners.get(threadId);
  }

  isOrphaned(threadId: string): boolean {
    return this.orphaned.has(threadId);
  }

  /** Resolves when someone subscribes to the thread, or after `ms`, or on abort. */
  whenSubscribed(threadId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      const waiter = { threadId, wake: done };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Streaming waits while any subscriber has too much unread output (none: no wait). */
  pace(threadId: string): Promise<void> | undefined {
    const entries = this.byThread.get(threadId);
    if (!entries) return undefined;
    let waits: Promise<void>[] | undefined;
    for (const e of entries.values()) {
      const wait = e.subscriber.pace();
      if (wait) (waits ??= []).push(wait);
    }
    return waits && Promise.all(waits).then(() => undefined);
  }
}
