// A server → client request tied to a turn's abort signal: an interrupt cancels it. Any failure
// (client error, cancellation, closed connection) yields undefined, which approvals read as "no".
import { CancellationTokenSource, type MessageConnection } from "vscode-jsonrpc/node";
import type { Logger } from "../logging/logger.js";

export async function askClient(
  connection: MessageConnection,
  method: string,
  params: unknown,
  signal: AbortSignal,
  log: Logger,
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
  }
}

/** The `decision` field of an approval answer, or undefined. */
export function decisionOf(answer: unknown): unknown {
  return typeof answer === "object" && answer !== null ? (answer as { decision?: unknown }).decision : undefined;
}
