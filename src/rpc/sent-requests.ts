// The id each server → client request went out under. vscode-jsonrpc numbers its requests itself and
// does not say which id it used; it writes a request synchronously inside sendRequest, so a sender
// wanting the id (serverRequest/resolved names it) reads it right after sendRequest returns.
import type { Message, MessageConnection, MessageWriter } from "vscode-jsonrpc/node";

type Id = number | string;

const lastSent = new WeakMap<MessageConnection, { id?: Id }>();

/** Wraps a connection's writer so `lastRequestId` can report what it wrote. */
export function recordingRequestIds(writer: MessageWriter): { writer: MessageWriter; attach(connection: MessageConnection): void } {
  const seen: { id?: Id } = {};
  return {
    writer: {
      onError: writer.onError,
      onClose: writer.onClose,
      write: (message: Message) => {
        const m = message as { method?: unknown; id?: unknown };
        if (typeof m.method === "string" && (typeof m.id === "number" || typeof m.id === "string")) seen.id = m.id;
        return writer.write(message);
      },
      end: () => writer.end(),
      dispose: () => writer.dispose(),
    },
    attach: (connection) => void lastSent.set(connection, seen),
  };
}

/** The id of the latest request `connection` sent (read right after sendRequest). */
export function lastRequestId(connection: MessageConnection): Id | undefined {
  return lastSent.get(connection)?.id;
}
