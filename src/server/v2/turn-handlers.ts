// v2 turn methods: turn/start answers at once with the in-progress turn; turn/interrupt answers
// once the turn has stopped (turn/completed with status interrupted follows).
import type { UserInput as CoreInput } from "../../core/turn-runner.js";
import type { TurnStartParams, UserInput } from "../../protocol/v2/turn.js";
import { rpcErrors } from "../../rpc/errors.js";
import { sandboxPolicyFromV2 } from "../../sandbox/policy.js";
import { rolloutCall, withConfig } from "../domain-errors.js";
import type { ThreadHandlerDeps } from "./thread-handlers.js";

function toCoreInput(input: UserInput[]): CoreInput {
  return {
    text: input.flatMap((i) => (i.type === "text" ? [i.text] : [])).join("\n"),
    images: input.flatMap((i) => (i.type === "image" ? [i.url] : [])),
    localImages: input.flatMap((i) => (i.type === "localImage" ? [i.path] : [])),
    skills: input.flatMap((i) => (i.type === "skill" ? [{ name: i.name, path: i.path }] : [])),
  };
}

export async function turnStart(deps: ThreadHandlerDeps, params: TurnStartParams) {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  deps.threads.attach(conversation);
  const turnId = conversation.submit(toCoreInput(params.input), {
    ...(params.cwd ? { cwd: params.cwd } : {}),
    ...(params.approvalPolicy ? { approvalPolicy: params.approvalPolicy } : {}),
    ...(params.sandboxPolicy ? { sandboxPolicy: sandboxPolicyFromV2(params.sandboxPolicy) } : {}),
    ...(params.model ? { model: params.model } : {}),
    ...(params.effort ? { effort: params.effort } : {}),
    ...(params.summary ? { summary: params.summary } : {}),
    ...(params.outputSchema !== undefined ? { outputSchema: params.outputSchema } : {}),
  });
  return { turn: { id: turnId, items: [], status: "inProgress" as const, error: null } };
}

export async function turnInterrupt(deps: ThreadHandlerDeps, params: { threadId: string; turnId: string }) {
  const conversation = await withConfig(() => rolloutCall(() => deps.manager.load(params.threadId)));
  if (!conversation) throw rpcErrors.invalidRequest(`thread not found: ${params.threadId}`);
  // A stale id must not stop whatever turn runs now (the reference's wording).
  const active = conversation.activeTurnId;
  if (active === undefined) throw rpcErrors.invalidRequest("no active turn to interrupt");
  if (active !== params.turnId) throw rpcErrors.invalidRequest(`expected active turn id ${params.turnId} but found ${active}`);
  await conversation.interrupt();
  return {};
}
