// One turn: the user's input goes to the model with the history; streamed output becomes events;
// function calls run (after approval where the policy demands it) and their outputs go back to the
// model, until it answers without calls. Interrupts and model errors end the turn cleanly.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { describeModelFailure } from "../model/failure-report.js";
import { modelLimits, type ModelLimits, type ModelOverrides } from "../model/model-family.js";
import { turnStart } from "../model/stream-slices.js";
import { ModelError, type ContentItem, type ModelClient, type ResponseItem, type ToolSpec } from "../model/types.js";
import type { AskForApproval, ReasoningEffort, ReasoningSummary } from "../protocol/config.js";
import type { SandboxAvailability } from "../sandbox/availability.js";
import type { SandboxPolicy } from "../sandbox/policy.js";
import { parseApplyPatchArguments, TurnDiffTracker } from "../tools/apply-patch/index.js";
import { formatExecForClient, formatFunctionCallOutput } from "../tools/exec-output.js";
import { parseCommand } from "../tools/parse-command.js";
import { parsePlanArguments, parseShellArguments } from "../tools/tool-specs.js";
import { approvalKey, planExec, type ApprovalDecision } from "./approval-policy.js";
import { withCallOutputs } from "./call-outputs.js";
import { escalationRefusal, likelySandboxDenied, networkBlocked, offersUnsandboxedRetry, runAttempt, SANDBOX_RETRY_REASON, type ShellRun } from "./sandboxed-exec.js";
import type { CoreEvent, ExecOutcome } from "./events.js";
import type { McpTurnTools } from "./mcp-tools.js";
import type { ReviewRequest } from "./review/prompts.js";
import { LocalImageError, localImageContent } from "./local-images.js";
import { runPatchCall, type PatchApprovalRequest, type PatchSource } from "./patch-call.js";
import { interceptShellPatch } from "./shell-patch.js";
import { turnAbortedItem, type TurnRecorder } from "./turn-recorder.js";
import { compactHistory, isContextWindowFailure, needsCompaction, type CompactionDeps } from "./compaction-step.js";
import { addUsage } from "./token-usage.js";
import type { RemoteCompactor } from "../model/compact-client.js";

export interface TurnSettings {
  model: string;
  cwd: string;
  approvalPolicy: AskForApproval;
  /** The effective sandbox every command of the turn runs under (snake_case, as v1 and rollouts spell it). */
  sandboxPolicy: SandboxPolicy;
  effort?: ReasoningEffort;
  summary: ReasoningSummary;
  instructions: string;
  tools: ToolSpec[];
  /** For one turn: the JSON Schema its answer must follow. */
  outputSchema?: unknown;
  /** For one turn: run it as a code review (core/review/review-turn.ts). */
  review?: ReviewRequest;
  /** Config figures that beat the model family's (context window, compaction limit, output cap). */
  modelOverrides?: ModelOverrides;
  /** What a summarisation request asks for instead of the built-in prompt (config compact_prompt, v1 compactPrompt). */
  compactPrompt?: string;
}

export interface UserInput {
  text: string;
  images: string[];
  localImages: string[];
  /** UI spans within `text` a v2 client sent (kept for its history, not sent to the model). */
  textElements?: unknown[];
  /** Skills the client selected (v2 `skill` inputs); `$name` mentions in the text count too. */
  skills?: { name: string; path: string }[];
}

export interface ApprovalRequest {
  turnId: string;
  callId: string;
  command: string[];
  cwd: string;
  reason: string | null;
  parsedCmd: ReturnType<typeof parseCommand>;
}

export interface ToolTelemetry {
  decision(tool: string, callId: string, decision: ApprovalDecision, source: "config" | "user"): void;
  result(tool: string, callId: string, args: string, durationMs: number, success: boolean, output: string): void;
  /** The W3C trace context of the call's span, for calls that leave the process (MCP); none when tracing is off. */
  traceContext?(tool: string, callId: string): W3cTraceContext | undefined;
}

export interface W3cTraceContext {
  traceparent: string;
  tracestate?: string;
}

export interface TurnDeps {
  conversationId: string;
  client: ModelClient;
  /** The conversation's history; the turn appends to it. */
  history: ResponseItem[];
  emit(event: CoreEvent): void;
  recorder: TurnRecorder;
  requestApproval(request: ApprovalRequest | PatchApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
  approvedForSession: Set<string>;
  usage: CompactionDeps["usage"];
  /** The provider compacts histories on its side (OpenAI's /responses/compact). */
  remoteCompact?: RemoteCompactor;
  shellEnv(): NodeJS.ProcessEnv;
  toolTelemetry: ToolTelemetry;
  /** A promise while the client is behind reading our output: streaming waits for it. */
  pace?(): Promise<void> | undefined;
  /** The sandbox this server can build (detected once); absent: detected with the default bwrap locations. */
  sandbox?(): Promise<SandboxAvailability>;
  /** Before the turn's first event: context the model must hear first (permissions that changed). */
  beforeTurn?(): Promise<void>;
  /** Input the client added to the running turn (turn/steer), taken before each model request. */
  steering?: Steering;
  /** The MCP servers' tools: offered after their startup, their calls routed to them. */
  mcp?: McpTurnTools;
  /** Messages that follow the prompt: the skills it names (src/skills/injection.ts). */
  skillItems?(input: UserInput, settings: TurnSettings): Promise<ResponseItem[]>;
}

export interface Steering {
  pending(): boolean;
  take(): UserInput[];
  /** History items that joined the running turn (a user shell command's result), for its next request. */
  takeItems(): ResponseItem[];
  /** The turn is ending: later input is refused, not lost. */
  close(): void;
}

/** Thrown inside the turn when the user chose "abort" for an approval. */
class TurnAbort extends Error {}

const REJECTED = "exec command rejected by user";

export async function runTurn(turnId: string, settings: TurnSettings, input: UserInput, deps: TurnDeps, signal: AbortSignal): Promise<void> {
  const { emit, recorder } = deps;
  // Starting a turn costs ~2 ms (rollout, permissions, the HTTP request): 50 started at once take a
  // few passes, like their streams, so requests read meanwhile are answered in between.
  const start = turnStart();
  if (start) await start;
  // A failure here leaves the model with the context it had; the turn runs anyway.
  await deps.beforeTurn?.().catch(() => undefined);
  // MCP tools join the turn's tools once their servers are up (or failed, or timed out).
  const mcpTools = deps.mcp ? await deps.mcp.prepare(turnId, deps.emit, signal) : [];
  if (mcpTools.length > 0) settings = { ...settings, tools: [...settings.tools, ...mcpTools] };
  // The model may change per turn: its family is looked up for each.
  const limits = modelLimits(settings.model, settings.modelOverrides);
  emit({ type: "turnStarted", turnId, modelContextWindow: limits.contextWindow });
  let localImages: ContentItem[];
  try {
    localImages = await Promise.all(input.localImages.map((file) => localImageContent(file, settings.cwd)));
  } catch (error) {
    if (!(error instanceof LocalImageError)) throw error;
    // Refused before anything is recorded or sent: the turn fails, the conversation goes on.
    emit({ type: "error", turnId, message: error.message, info: { kind: "badRequest" } });
    emit({ type: "turnComplete", turnId, lastAgentMessage: null });
    return;
  }
  // Recorded before a compaction this turn runs, so a rebuilt thread shows it in this turn, as live.
  recorder.turnStarted(turnId, limits.contextWindow);
  // Past the limit since the last turn: the history is compacted before this turn's message joins it.
  if (needsCompaction(deps.usage, limits)) {
    try {
      await compactHistory(turnId, settings, deps, signal);
    } catch (error) {
      return endFailedTurn(turnId, error, deps, signal);
    }
  }
  const userItem: ResponseItem = {
    type: "message",
    role: "user",
    content: [
      ...(input.text ? [{ type: "input_text" as const, text: input.text }] : []),
      ...input.images.map((url) => ({ type: "input_image" as const, image_url: url })),
      ...localImages,
    ],
  };
  deps.history.push(userItem);
  recorder.responseItem(userItem);
  emit({
    type: "userMessage",
    turnId,
    itemId: randomUUID(),
    message: input.text,
    images: input.images,
    localImages: input.localImages,
    textElements: input.textElements ?? [],
  });
  recorder.userMessage(input);
  // A skill that cannot be found or read leaves the prompt as it is.
  for (const item of (await deps.skillItems?.(input, settings).catch(() => undefined)) ?? []) {
    deps.history.push(item);
    recorder.responseItem(item);
  }
  recorder.turnContext(settings, turnId);
  emit({ type: "tokenCount", turnId, info: null });

  let lastAgentMessage: string | null = null;
  // The turn's aggregated diff (turn_diff / turn/diff/updated) across all its patches.
  const diffTracker = new TurnDiffTracker(settings.cwd);
  // A request the model refuses as too long is compacted and sent again, once per turn.
  let overflowCompacted = false;
  const next = async (): Promise<Sample> => {
    try {
      return await sampleOnce(turnId, settings, limits, deps, signal);
    } catch (error) {
      if (overflowCompacted || signal.aborted || !isContextWindowFailure(error)) throw error;
      overflowCompacted = true;
      await compactHistory(turnId, settings, deps, signal);
      return await sampleOnce(turnId, settings, limits, deps, signal);
    }
  };
  try {
    for (;;) {
      for (const item of deps.steering?.takeItems() ?? []) {
        deps.history.push(item);
        recorder.responseItem(item);
      }
      for (const steered of deps.steering?.take() ?? []) addSteeredInput(turnId, steered, deps);
      const sample = await next();
      if (sample.lastAgentMessage !== null) lastAgentMessage = sample.lastAgentMessage;
      const calls = sample.items.filter((i): i is ToolCall => i.type === "function_call" || i.type === "custom_tool_call");
      if (calls.length === 0) {
        // Input steered in while the model answered gets its own request in this turn.
        if (deps.steering?.pending()) continue;
        deps.steering?.close();
        break;
      }
      for (const call of calls) {
        const warnings: ResponseItem[] = [];
        const text = await runCall(turnId, settings, call, deps, signal, diffTracker, warnings);
        const output: ResponseItem =
          call.type === "custom_tool_call"
            ? { type: "custom_tool_call_output", call_id: call.call_id, output: text }
            : { type: "function_call_output", call_id: call.call_id, output: text };
        for (const item of [output, ...warnings]) {
          deps.history.push(item);
          recorder.responseItem(item);
        }
      }
      recorder.turnContext(settings, turnId);
      // Between a tool call and the next request: the history may have outgrown the window.
      if (needsCompaction(deps.usage, limits)) await compactHistory(turnId, settings, deps, signal);
    }
    recorder.turnComplete(turnId, lastAgentMessage);
    emit({ type: "turnComplete", turnId, lastAgentMessage });
  } catch (error) {
    endFailedTurn(turnId, error, deps, signal);
  }
}

/** Steered input joins the turn as a user message: in the history, the rollout and the client's items. */
function addSteeredInput(turnId: string, input: UserInput, deps: TurnDeps): void {
  const item: ResponseItem = {
    type: "message",
    role: "user",
    content: [...(input.text ? [{ type: "input_text" as const, text: input.text }] : []), ...input.images.map((url) => ({ type: "input_image" as const, image_url: url }))],
  };
  deps.history.push(item);
  deps.recorder.responseItem(item);
  deps.emit({ type: "userMessage", turnId, itemId: randomUUID(), message: input.text, images: input.images, localImages: [], textElements: input.textElements ?? [] });
  deps.recorder.userMessage(input, true);
}

/** Ends a turn that threw: aborted (interrupt, "abort" decision) or failed with a readable error. */
function endFailedTurn(turnId: string, error: unknown, deps: TurnDeps, signal: AbortSignal): void {
  const { emit, recorder } = deps;
  if (signal.aborted || error instanceof TurnAbort) {
    deps.history.push(turnAbortedItem(turnId));
    recorder.turnAborted(turnId);
    emit({ type: "turnAborted", turnId, reason: "interrupted" });
    return;
  }
  const failure =
    error instanceof ModelError
      ? describeModelFailure(error)
      : { message: "internal error while running the turn", info: { kind: "other" as const } };
  emit({ type: "error", turnId, message: failure.message, info: failure.info });
  recorder.turnComplete(turnId, null);
  emit({ type: "turnComplete", turnId, lastAgentMessage: null });
  if (!(error instanceof ModelError)) throw error;
}

interface Sample {
  items: ResponseItem[];
  lastAgentMessage: string | null;
}

async function sampleOnce(turnId: string, settings: TurnSettings, limits: ModelLimits, deps: TurnDeps, signal: AbortSignal): Promise<Sample> {
  const { emit } = deps;
  const request = {
    model: settings.model,
    instructions: settings.instructions,
    input: withCallOutputs(deps.history),
    tools: settings.tools,
    // A model whose family takes no reasoning parameters would reject them (unknown models included).
    reasoning: limits.supportsReasoning && (settings.effort || settings.summary !== "none") ? { effort: settings.effort, summary: settings.summary } : null,
    conversationId: deps.conversationId,
    ...(settings.outputSchema !== undefined ? { outputSchema: settings.outputSchema } : {}),
    ...(limits.maxOutputTokens !== undefined ? { maxOutputTokens: limits.maxOutputTokens } : {}),
  };
  let items: ResponseItem[] = [];
  let lastAgentMessage: string | null = null;
  // Ids of items the model streams without one get a stable local id.
  const localIds = new Map<number, string>();
  let index = 0;
  // An interrupt must not wait for a client that has stopped reading.
  const aborted = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  for await (const event of deps.client.stream(request, signal)) {
    const backlog = deps.pace?.();
    if (backlog) await Promise.race([backlog, aborted]);
    if (signal.aborted) break;
    switch (event.type) {
      case "output_item_added": {
        const id = itemId(event.item, localIds, index++);
        if (event.item.type === "message" && event.item.role === "assistant") emit({ type: "agentMessageStarted", turnId, itemId: id });
        else if (event.item.type === "reasoning") emit({ type: "reasoningStarted", turnId, itemId: id });
        break;
      }
      case "output_text_delta":
        emit({ type: "agentMessageDelta", turnId, itemId: event.itemId, delta: event.delta });
        break;
      case "reasoning_summary_part_added":
        emit({ type: "reasoningSummaryPartAdded", turnId, itemId: event.itemId, summaryIndex: event.summaryIndex });
        break;
      case "reasoning_summary_delta":
        emit({ type: "reasoningSummaryDelta", turnId, itemId: event.itemId, delta: event.delta, summaryIndex: event.summaryIndex });
        break;
      case "reasoning_text_delta":
        emit({ type: "reasoningTextDelta", turnId, itemId: event.itemId, delta: event.delta, contentIndex: event.contentIndex });
        break;
      case "output_item_done": {
        const item = event.item;
        items.push(item);
        if (item.type === "message" && item.role === "assistant") {
          const text = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
          lastAgentMessage = text;
          emit({ type: "agentMessageCompleted", turnId, itemId: item.id ?? randomUUID(), text });
        } else if (item.type === "reasoning") {
          emit({
            type: "reasoningCompleted",
            turnId,
            itemId: item.id ?? randomUUID(),
            summary: item.summary.map((p) => p.text),
            content: (item.content ?? []).map((p) => p.text),
          });
        }
        break;
      }
      case "completed": {
        const info = addUsage(deps.usage, event.usage, limits.contextWindow);
        deps.history.push(...items);
        deps.recorder.modelOutput(items);
        if (info) deps.recorder.tokenCount(info);
        emit({ type: "tokenCount", turnId, info });
        return { items, lastAgentMessage };
      }
      case "retrying":
        // The next attempt is a new response: what this one streamed is dropped.
        items = [];
        lastAgentMessage = null;
        emit({ type: "streamError", turnId, message: event.message, attempt: event.attempt, max: event.max });
        break;
      case "created":
        break;
    }
  }
  throw new ModelError("stream_closed", "stream disconnected before completion: stream closed before response.completed");
}

function itemId(item: ResponseItem, localIds: Map<number, string>, index: number): string {
  if ("id" in item && item.id) return item.id;
  const id = localIds.get(index) ?? randomUUID();
  localIds.set(index, id);
  return id;
}

type ToolCall = Extract<ResponseItem, { type: "function_call" | "custom_tool_call" }>;

async function runCall(
  turnId: string,
  settings: TurnSettings,
  call: ToolCall,
  deps: TurnDeps,
  signal: AbortSignal,
  diffTracker: TurnDiffTracker,
  warnings: ResponseItem[],
): Promise<string> {
  const started = Date.now();
  const callArgs = call.type === "custom_tool_call" ? call.input : call.arguments;
  let output: string;
  let success = false;
  const patch = async (source: PatchSource, cwd: string) => {
    const result = await runPatchCall(turnId, call.call_id, source, cwd, settings, diffTracker, patchDeps(deps, call.name), signal);
    if (result.kind === "abort") throw new TurnAbort();
    return result;
  };
  try {
    const shellPatch = call.type === "function_call" && call.name === "shell" ? interceptShellPatch(call.arguments, settings.cwd) : null;
    if (call.name === "apply_patch") {
      const input = call.type === "custom_tool_call" ? { input: call.input } : parseApplyPatchArguments(call.arguments);
      if ("error" in input) output = input.error;
      else ({ output, success } = await patch({ text: input.input }, settings.cwd));
    } else if (shellPatch !== null) {
      // The model ran apply_patch through the shell: applied as a patch, and it is told to use the tool.
      if (shellPatch.kind === "invalid") output = shellPatch.message;
      else ({ output, success } = await patch({ parsed: shellPatch.parsed }, shellPatch.cwd));
      // Pointless (and confusing) when this model is not offered the tool.
      if (settings.tools.some((t) => t.name === "apply_patch")) warnings.push(shellPatch.warning);
    } else if (call.type === "function_call" && deps.mcp?.handles(call.name)) {
      ({ output, success } = await deps.mcp.run(turnId, call.call_id, call.name, call.arguments, deps.emit, signal, {
        approvalPolicy: settings.approvalPolicy,
        decision: (decision, source) => deps.toolTelemetry.decision(call.name, call.call_id, decision, source),
        trace: deps.toolTelemetry.traceContext?.(call.name, call.call_id),
      }));
    } else if (call.type === "custom_tool_call") {
      output = `unsupported custom tool call: ${call.name}`;
    } else if (call.name === "shell") {
      ({ output, success } = await runShellCall(turnId, settings, call, deps, signal));
    } else if (call.name === "update_plan") {
      const args = parsePlanArguments(call.arguments);
      deps.emit({ type: "planUpdate", turnId, explanation: args.explanation ?? null, plan: args.plan });
      output = "Plan updated";
      success = true;
    } else {
      output = `unsupported call: ${call.name}`;
    }
  } catch (error) {
    if (error instanceof TurnAbort || signal.aborted) throw error;
    output = error instanceof Error ? error.message : String(error);
  }
  deps.toolTelemetry.result(call.name, call.call_id, callArgs, Date.now() - started, success, output);
  return output;
}

function patchDeps(deps: TurnDeps, toolName: string) {
  return {
    emit: (event: CoreEvent) => {
      deps.emit(event);
      if (event.type === "patchApplyEnd") deps.recorder.patchApplyEnd(event);
    },
    requestApproval: deps.requestApproval,
    approvedForSession: deps.approvedForSession,
    shellEnv: deps.shellEnv,
    decision: (callId: string, decision: ApprovalDecision, source: "config" | "user") => deps.toolTelemetry.decision(toolName, callId, decision, source),
  };
}

async function runShellCall(
  turnId: string,
  settings: TurnSettings,
  call: Extract<ResponseItem, { type: "function_call" }>,
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<{ output: string; success: boolean }> {
  const args = parseShellArguments(call.arguments);
  const { command } = args;
  const escalated = args.withEscalatedPermissions ?? false;
  const escalationRefused = escalationRefusal(settings.approvalPolicy, escalated);
  if (escalationRefused !== null) return { output: escalationRefused, success: false };
  const cwd = args.workdir ? path.resolve(settings.cwd, args.workdir) : settings.cwd;
  const parsedCmd = parseCommand(command);
  const callId = call.call_id;
  deps.emit({ type: "execBegin", turnId, callId, command, cwd, parsedCmd });

  const key = approvalKey(command, cwd, escalated);
  // Whether the user has approved this very command (now or for the session): the reference then
  // reruns a sandbox-denied attempt without asking again.
  let userApproved = deps.approvedForSession.has(key);
  if (!userApproved) {
    const plan = planExec(settings.approvalPolicy, command, escalated, args.justification);
    if (plan.kind === "ask") {
      const decision = await askApproval(turnId, callId, command, cwd, plan.reason, parsedCmd, deps, signal);
      if (decision === "denied") return declined(turnId, callId, command, cwd, parsedCmd, deps);
      if (decision === "approved_for_session") deps.approvedForSession.add(key);
      userApproved = true;
    } else {
      deps.toolTelemetry.decision("shell", callId, "approved", "config");
    }
  }

  const run: ShellRun = { command, cwd, policyCwd: settings.cwd, env: deps.shellEnv(), ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}) };
  const hooks = {
    signal,
    onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => deps.emit({ type: "execOutputDelta", turnId, callId, stream, chunk }),
    // Output is paced like model output: a client that stops reading stops the command's pipes.
    ...(deps.pace ? { pace: deps.pace } : {}),
  };
  // Escalated permissions reach here only approved (on-request): the command runs unsandboxed.
  let attempt = await runAttempt(settings.sandboxPolicy, escalated, run, hooks, deps.sandbox);
  if ("refused" in attempt) return refused(turnId, callId, command, cwd, parsedCmd, attempt.refused, deps);
  if (attempt.result.aborted || signal.aborted) throw new TurnAbort();
  if (attempt.sandboxed && offersUnsandboxedRetry(settings.approvalPolicy) && likelySandboxDenied(attempt.result, networkBlocked(settings.sandboxPolicy))) {
    const retryKey = approvalKey(command, cwd, true);
    if (!userApproved && !deps.approvedForSession.has(retryKey)) {
      const decision = await askApproval(turnId, callId, command, cwd, SANDBOX_RETRY_REASON, parsedCmd, deps, signal);
      if (decision === "denied") return declined(turnId, callId, command, cwd, parsedCmd, deps);
      if (decision === "approved_for_session") deps.approvedForSession.add(retryKey);
    }
    attempt = await runAttempt(settings.sandboxPolicy, true, run, hooks, deps.sandbox);
    if ("refused" in attempt) return refused(turnId, callId, command, cwd, parsedCmd, attempt.refused, deps);
    if (attempt.result.aborted || signal.aborted) throw new TurnAbort();
  }
  const result = attempt.result;
  const outcome: ExecOutcome = {
    stdout: result.stdout,
    stderr: result.stderr,
    aggregatedOutput: result.aggregatedOutput,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    formattedOutput: formatExecForClient(result),
  };
  deps.emit({ type: "execEnd", turnId, callId, command, cwd, parsedCmd, outcome, status: result.exitCode === 0 ? "completed" : "failed" });
  return { output: formatFunctionCallOutput(result), success: result.exitCode === 0 };
}

/** Asks the client; an interrupt meanwhile or "abort" ends the turn. */
async function askApproval(
  turnId: string,
  callId: string,
  command: string[],
  cwd: string,
  reason: string | null,
  parsedCmd: ReturnType<typeof parseCommand>,
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<"approved" | "approved_for_session" | "denied"> {
  deps.emit({ type: "execApprovalRequest", turnId, callId, command, cwd, reason, parsedCmd });
  const decision = await deps.requestApproval({ turnId, callId, command, cwd, reason, parsedCmd }, signal);
  // An interrupt while the client was deciding ends the turn, whatever came back.
  if (signal.aborted) throw new TurnAbort();
  deps.toolTelemetry.decision("shell", callId, decision, "user");
  if (decision === "abort") throw new TurnAbort();
  return decision;
}

function declined(turnId: string, callId: string, command: string[], cwd: string, parsedCmd: ReturnType<typeof parseCommand>, deps: TurnDeps) {
  const outcome: ExecOutcome = { stdout: "", stderr: REJECTED, aggregatedOutput: REJECTED, exitCode: -1, durationMs: 0, formattedOutput: REJECTED };
  deps.emit({ type: "execEnd", turnId, callId, command, cwd, parsedCmd, outcome, status: "declined" });
  return { output: REJECTED, success: false };
}

/** No sandbox could be built: the client sees a failed command, the model the reason and the fix. */
function refused(turnId: string, callId: string, command: string[], cwd: string, parsedCmd: ReturnType<typeof parseCommand>, reason: string, deps: TurnDeps) {
  const outcome: ExecOutcome = { stdout: "", stderr: reason, aggregatedOutput: reason, exitCode: -1, durationMs: 0, formattedOutput: reason };
  deps.emit({ type: "execEnd", turnId, callId, command, cwd, parsedCmd, outcome, status: "failed" });
  return { output: reason, success: false };
}
