// What a request's handler wants done once its reply is written: the notifications a request
// causes (thread/started, turn/started…) must reach the client after the reply that names the
// thread or turn. Also where notifications a client opted out of are dropped: every outgoing
// message passes this writer.
import type { Message, MessageWriter } from "vscode-jsonrpc/node";

type Id = number | string;

export class ReplyHooks {
  private readonly waiting = new Map<Id, (() => void)[]>();

  /** Runs `fn` right after the reply to request `id` (our id) is queued for output. */
  add(id: Id, fn: () => void): void {
    const list = this.waiting.get(id);
    if (list) list.push(fn);
    else this.waiting.set(id, [fn]);
  }

  replied(id: Id): void {
    const list = this.waiting.get(id);
    if (!list) return;
    this.waiting.delete(id);
    for (const fn of list) fn();
  }
}

/** Wraps the connection's writer: runs reply hooks after each reply, drops opted-out notifications. */
export function withReplyHooks(writer: MessageWriter, hooks: ReplyHooks, drop?: (method: string) => boolean): MessageWriter {
  return {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message: Message) => {
      const m = message as { method?: unknown; id?: unknown };
      if (typeof m.method === "string") {
        if (m.id === undefined && drop?.(m.method)) return Promise.resolve();
        return writer.write(message);
      }
      const written = writer.write(message);
      if (typeof m.id === "number" || typeof m.id === "string") hooks.replied(m.id);
      return written;
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
}
