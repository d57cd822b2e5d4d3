// v1 approvals: the execCommandApproval server request, sent only when this connection listens to
// the conversation. No listener, a client error or an unreadable answer all count as "denied".
import { CancellationTokenSource, type MessageConnection } from "vscode-jsonrpc/node";
import type { Approver } from "../../core/conversation.js";
import type { Logger } from "../../logging/logger.js";
import { ReviewDecision, type ExecCommandApprovalParams } from "../../protocol/v1/approvals.js";
import type { ConversationSubscriptions } from "./subscriptions.js";

export function v1Approver(connection: MessageConnection, subscriptions: ConversationSubscriptions, log: Logger): Approver {
  return async (conversationId, request, signal) => {
    if (!subscriptions.hasListener(conversationId)) return "denied";
    const params: ExecCommandApprovalParams = {
      conversationId,
      callId: request.callId,
      command: request.command,
      cwd: request.cwd,
      reason: request.reason,
      parsedCmd: request.parsedCmd,
    };
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const answer = (await connection.sendRequest("execCommandApproval", params, cancel.token)) as { decision?: unknown } | null;
      return ReviewDecision.parse(answer?.decision);
    } catch (error) {
      log.debug({ err: error, callId: request.callId }, "approval not granted");
      return "denied";
    } finally {
      signal.removeEventListener("abort", onAbort);
      cancel.dispose();
    }
  };
}
