// vscode-jsonrpc queues requests under `id.toString()`: a request whose id is already waiting (or
// "1" beside 1) replaces the first in its queue, and that one is never answered. So requests reach
// the connection under ids of our own, unique in the process, and replies leave under the
// client's id again. `$/cancelRequest` is pointed at the latest pending request with its id.
import type { Message, MessageWriter, RequestMessage, ResponseMessage } from "vscode-jsonrpc/node";
import type { RequestId } from "../transport/ndjson-reader.js";

export class RequestIds {
  private next = 0;
  /** Our id -> the client's, while the request waits for its reply. */
  private readonly clientIds = new Map<number, RequestId>();
  /** The client's id (typed, so 1 and "1" differ) -> our id of its latest pending request. */
  private readonly latest = new Map<string, number>();

  get pending(): number {
    return this.clientIds.size;
  }

  /** The client's id of a request we renumbered, while it is pending. */
  clientId(ours: unknown): RequestId | undefined {
    return typeof ours === "number" ? this.clientIds.get(ours) : undefined;
  }

  /** Rewrites an incoming message for the connection; undefined drops it. */
  inbound(message: Message): Message | undefined {
    const m = message as Partial<RequestMessage>;
    if (typeof m.method !== "string") return message;
    if ("id" in m && m.id !== undefined && m.id !== null) {
      const ours = ++this.next;
      this.clientIds.set(ours, m.id);
      this.latest.set(key(m.id), ours);
      m.id = ours;
      return message;
    }
    if (m.method === "$/cancelRequest") {
      const params = m.params as { id: RequestId };
      const ours = this.latest.get(key(params.id));
      // Nothing pending under that id: already answered, or never sent.
      if (ours === undefined) return undefined;
      m.params = { ...params, id: ours };
    }
    return message;
  }

  /** Gives a reply the client's id back. */
  outbound(message: Message): Message {
    const r = message as Partial<ResponseMessage> & { method?: unknown };
    if (r.method !== undefined || typeof r.id !== "number") return message;
    const clientId = this.clientIds.get(r.id);
    if (clientId === undefined) return message;
    this.clientIds.delete(r.id);
    const k = key(clientId);
    if (this.latest.get(k) === r.id) this.latest.delete(k);
    return { ...r, id: clientId } as Message;
  }
}

function key(id: RequestId): string {
  return `${typeof id}:${id}`;
}

/** The connection's writer: replies go out under the client's ids. */
export function replyingUnderClientIds(writer: MessageWriter, ids: RequestIds): MessageWriter {
  return {
    onError: writer.onError,
    onClose: writer.onClose,
    write: (message) => writer.write(ids.outbound(message)),
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
}
