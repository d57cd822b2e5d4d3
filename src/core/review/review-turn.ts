// A review turn: the model gets the review guidelines instead of the usual instructions and a
// history of its own (the thread's conversation stays out of the reviewer's view, and the
// reviewer's tool calls stay out of the thread's). The client sees enteredReviewMode after
// turn/started, the reviewer's own output, exitedReviewMode with the rendered findings, and those
// findings as the turn's final agent message; only the request and that final message join the
// thread's history, so a follow-up turn can act on the review.
import { randomUUID } from "node:crypto";
import type { ResponseItem } from "../../model/types.js";
import type { CoreEvent } from "../events.js";
import { runTurn, type TurnDeps, type TurnSettings, type UserInput } from "../turn-runner.js";
import { parseReviewOutput, renderReview } from "./output.js";
import { REVIEW_GUIDELINES, type ReviewRequest } from "./prompts.js";

export async function runReviewTurn(
  turnId: string,
  settings: TurnSettings,
  input: UserInput,
  deps: TurnDeps,
  signal: AbortSignal,
  request: ReviewRequest,
): Promise<void> {
  let completion: Extract<CoreEvent, { type: "turnComplete" }> | undefined;
  const inner: TurnDeps = {
    ...deps,
    history: [],
    recorder: { ...deps.recorder, responseItem: () => {}, modelOutput: () => {} },
    emit: (event) => {
      if (event.type === "turnComplete") {
        completion = event;
        return;
      }
      if (event.type === "turnAborted") deps.emit({ type: "reviewModeExited", turnId, itemId: randomUUID(), review: "" });
      deps.emit(event);
      if (event.type === "turnStarted") deps.emit({ type: "reviewModeEntered", turnId, itemId: randomUUID(), review: request.hint });
    },
  };
  const { review: _review, outputSchema: _schema, ...rest } = settings;
  try {
    await runTurn(turnId, { ...rest, instructions: REVIEW_GUIDELINES }, input, inner, signal);
  } finally {
    if (completion) finish(turnId, completion.lastAgentMessage, deps, request);
  }
}

function finish(turnId: string, answer: string | null, deps: TurnDeps, request: ReviewRequest): void {
  const text = answer === null ? null : renderReview(parseReviewOutput(answer));
  deps.emit({ type: "reviewModeExited", turnId, itemId: randomUUID(), review: text ?? "" });
  if (text !== null) {
    const itemId = randomUUID();
    deps.emit({ type: "agentMessageStarted", turnId, itemId });
    deps.emit({ type: "agentMessageCompleted", turnId, itemId, text });
    const asked: ResponseItem = { type: "message", role: "user", content: [{ type: "input_text", text: request.prompt }] };
    const answered: ResponseItem = { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
    deps.history.push(asked, answered);
    deps.recorder.responseItem(asked);
    deps.recorder.modelOutput([answered]);
  }
  deps.emit({ type: "turnComplete", turnId, lastAgentMessage: text });
}
