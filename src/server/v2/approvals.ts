// v2 approvals: item/commandExecution/requestApproval and item/fileChange/requestApproval. accept / acceptForSession / decline / cancel
// map onto the engine's approved / approved_for_session / denied / abort; anything else is denied.
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { ApprovalDecision } from "../../core/approval-policy.js";
import type { Approver } from "../../core/conversation.js";
import type { Logger } from "../../logging/logger.js";
import type { CommandExecutionRequestApprovalParams, FileChangeRequestApprovalParams } from "../../protocol/v2/approvals.js";
import { shellJoin } from "../../tools/parse-command.js";
import { askClient, decisionOf } from "../ask-client.js";
import { commandActions } from "./event-mapping.js";

const DECISIONS: Record<string, ApprovalDecision> = {
  accept: "approved",
  acceptForSession: "approved_for_session",
  decline: "denied",
  cancel: "abort",
};

export function v2Approver(connection: MessageConnection, log: Logger): Approver {
  return async (threadId, request, signal) => {
    if ("kind" in request) {
      const patch: FileChangeRequestApprovalParams = {
        threadId,
        turnId: request.turnId,
        itemId: request.callId,
        reason: request.reason,
        grantRoot: request.grantRoot,
        startedAtMs: Date.now(),
      };
      return decisionFrom(await askClient(connection, "item/fileChange/requestApproval", patch, signal, log, threadId));
    }
    const params: CommandExecutionRequestApprovalParams = {
      threadId,
      turnId: request.turnId,
      itemId: request.callId,
      reason: request.reason,
      command: shellJoin(request.command),
      cwd: request.cwd,
      commandActions: commandActions(request.parsedCmd),
      proposedExecpolicyAmendment: request.command,
      kind: "command",
      startedAtMs: Date.now(),
      approvalId: null,
      environmentId: null,
      networkApprovalContext: null,
      proposedNetworkPolicyAmendments: null,
    };
    return decisionFrom(await askClient(connection, "item/commandExecution/requestApproval", params, signal, log, threadId));
  };
}

function decisionFrom(answer: unknown): ApprovalDecision {
  const decision = decisionOf(answer);
  return typeof decision === "string" && Object.hasOwn(DECISIONS, decision) ? DECISIONS[decision]! : "denied";
}
