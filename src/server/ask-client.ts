// A server → client request tied to a turn's abort signal: an interrupt cancels it. Any failure
// (client error, cancellation, closed connection) yields undefined, which approvals read as "no".
// A v2 request about a thread is followed, once answered or withdrawn, by `serverRequest/resolved`
// naming it, as 0.169 does, so the client can take its prompt down.
import { CancellationTokenSource, type MessageConnection } from "vscode-jsonrpc/node";
import type { Logger } from "../logging/logger.js";
import type { ServerRequestResolvedNotification } from "../protocol/v2/approvals.js";
import { lastRequestId } from "../rpc/sent-requests.js";

export async function askClient(
  connection: MessageConnection,
  method: string,
  params: unknown,
  signal: AbortSignal,
  log: Logger,
  /** The thread a v2 request is about: its resolution is announced. */
  threadId?: string,
): Promise<unknown> {
  if (signal.aborted) return undefined;
  const cancel = new CancellationTokenSource();
  let answered: Promise<unknown>;
  try {
    answered = connection.sendRequest(method, params, cancel.token);
  } catch (error) {
    // A closed connection throws at once.
    log.debug({ err: error, method }, "client request failed");
    cancel.dispose();
    return undefined;
  }
  const requestId = threadId === undefined ? undefined : lastRequestId(connection);
  // vscode-jsonrpc only sends $/cancelRequest on cancel: its promise waits for an answer that may
  // never come. The abort settles our side at once; a late answer lands on a promise nobody reads.
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => {
      cancel.cancel();
      resolve(undefined);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([answered, aborted]);
  } catch (error) {
    log.debug({ err: error, method }, "client request failed");
    return undefined;
  } finally {
    signal.removeEventListener("abort", onAbort);
    answered.catch(() => undefined);
    cancel.dispose();
    if (threadId !== undefined && requestId !== undefined) announceResolved(connection, { threadId, requestId }, log);
  }
}

function announceResolved(connection: MessageConnection, params: ServerRequestResolvedNotification, log: Logger): void {
  // A connection that closed meanwhile has nobody to tell.
  connection.sendNotification("serverRequest/resolved", params).catch((error: unknown) => log.debug({ err: error }, "serverRequest/resolved not sent"));
}

/** The `decision` field of an approval answer, or undefined. */
export function decisionOf(answer: unknown): unknown {
  return typeof answer === "object" && answer !== null ? (answer as { decision?: unknown }).decision : undefined;
}
