// v1 approvals: the execCommandApproval and applyPatchApproval server requests of one connection, sent only when it listens
// to the conversation (approval-routing.ts picks the connection). No listener, a client error or an unreadable answer all count as "denied".
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { Approver } from "../../core/conversation.js";
import type { Logger } from "../../logging/logger.js";
import { ReviewDecision, type ApplyPatchApprovalParams, type ExecCommandApprovalParams } from "../../protocol/v1/approvals.js";
import { SchemaIssue } from "../../protocol/schema.js";
import { askClient, decisionOf } from "../ask-client.js";
import type { ConversationSubscriptions } from "./subscriptions.js";

export function v1Approver(connection: MessageConnection, subscriptions: () => ConversationSubscriptions, log: Logger): Approver {
  return async (conversationId, request, signal) => {
    if (!subscriptions().hasListener(conversationId)) return "denied";
    if ("kind" in request) {
      const patch: ApplyPatchApprovalParams = {
        conversationId,
        callId: request.callId,
        fileChanges: request.changes,
        reason: request.reason,
        grantRoot: request.grantRoot,
      };
      return readDecision(await askClient(connection, "applyPatchApproval", patch, signal, log));
    }
    const params: ExecCommandApprovalParams = {
      conversationId,
      callId: request.callId,
      command: request.command,
      cwd: request.cwd,
      reason: request.reason,
      parsedCmd: request.parsedCmd,
    };
    return readDecision(await askClient(connection, "execCommandApproval", params, signal, log));
  };
}

function readDecision(answer: unknown): ReviewDecision {
  try {
    return ReviewDecision.parse(decisionOf(answer));
  } catch (error) {
    if (!(error instanceof SchemaIssue)) throw error;
    return "denied";
  }
}
