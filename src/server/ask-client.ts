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
  const cancel = new CancellationTokenSource();
  const onAbort = () => cancel.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await connection.sendRequest(method, params, cancel.token);
  } catch (error) {
    log.debug({ err: error, method }, "client request failed");
    return undefined;
  } finally {
    signal.removeEventListener("abort", onAbort);
    cancel.dispose();
  }
}

/** The `decision` field of an approval answer, or undefined. */
export function decisionOf(answer: unknown): unknown {
  return typeof answer === "object" && answer !== null ? (answer as { decision?: unknown }).decision : undefined;
}
