// The id each server → client request went out under. vscode-jsonrpc numbers its requests itself and
// does not say which id it used; it hands each request (only requests: no cost per notification) to
// its cancellation sender's `enableCancellation` inside sendRequest, so a sender wanting the id
// (serverRequest/resolved names it) reads it right after sendRequest returns.
import { CancellationStrategy, type CancellationSenderStrategy, type MessageConnection, type RequestMessage } from "vscode-jsonrpc/node";

type Id = number | string;

const lastSent = new WeakMap<MessageConnection, { id?: Id }>();

/** vscode-jsonrpc's usual sender strategy, noting each request's id for `lastRequestId`. */
export function recordingSender(): { sender: CancellationSenderStrategy; attach(connection: MessageConnection): void } {
  const seen: { id?: Id } = {};
  const base = CancellationStrategy.Message.sender;
  return {
    sender: {
      sendCancellation: (connection, id) => base.sendCancellation(connection, id),
      cleanup: (id) => base.cleanup(id),
      enableCancellation: (request: RequestMessage) => {
        if (typeof request.id === "number" || typeof request.id === "string") seen.id = request.id;
      },
    },
    attach: (connection) => void lastSent.set(connection, seen),
  };
}

/** The id of the latest request `connection` sent (read right after sendRequest). */
export function lastRequestId(connection: MessageConnection): Id | undefined {
  return lastSent.get(connection)?.id;
}
