// The function tools offered to the model (shell, update_plan) and the parsing of the arguments
// it sends back. Parse errors are worded for the model: the turn sends the message back as the
// function_call_output so that it can correct the call.

export interface FunctionToolSpec {
  type: "function";
  name: string;
  description: string;
  strict: boolean;
  parameters: Record<string, unknown>;
}

// Properties are listed alphabetically, the order the reference sends them in.
export const SHELL_TOOL: FunctionToolSpec & { name: "shell" } = {
  type: "function",
  name: "shell",
  description: [
    "Runs a shell command and returns its output.",
    '- `command` is an argv passed to execvp(); most commands should be run through a shell, as ["bash", "-lc", "<script>"].',
    "- Always set `workdir` instead of using `cd` in the command, unless there is no other way.",
  ].join("\n"),
  strict: false,
  parameters: {
    type: "object",
    properties: {
      command: { type: "array", items: { type: "string" }, description: "The command to execute" },
      justification: {
        type: "string",
        description:
          'Only set if sandbox_permissions is "require_escalated". A short question for the user asking to run this command outside the sandbox, saying why it is needed, e.g. "Do you want to fetch the latest version of this branch?"',
      },
      sandbox_permissions: {
        type: "string",
        description: 'Sandbox permissions for the command: "require_escalated" asks to run it without sandbox restrictions; defaults to "use_default".',
      },
      timeout_ms: { type: "number", description: "The timeout for the command in milliseconds" },
      workdir: { type: "string", description: "The working directory to execute the command in" },
    },
    required: ["command"],
    additionalProperties: false,
  },
};

export const UPDATE_PLAN_TOOL: FunctionToolSpec & { name: "update_plan" } = {
  type: "function",
  name: "update_plan",
  description: [
    "Updates the task plan.",
    "Give an optional explanation and the list of plan steps, each with a status.",
    "At most one step may be in_progress at a time.",
    "",
  ].join("\n"),
  strict: false,
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string" },
      plan: {
        type: "array",
        description: "The list of steps",
        items: {
          type: "object",
          properties: {
            status: { type: "string", description: "One of: pending, in_progress, completed" },
            step: { type: "string" },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  },
};

export type SandboxPermissions = "use_default" | "require_escalated";

export interface ShellCallArgs {
  command: string[];
  workdir?: string;
  timeoutMs?: number;
  /** True when the model asked to run outside the sandbox (sandbox_permissions or the older flag). */
  withEscalatedPermissions?: boolean;
  sandboxPermissions?: SandboxPermissions;
  justification?: string;
}

export type PlanStatus = "pending" | "in_progress" | "completed";

export interface PlanArgs {
  explanation?: string | null;
  plan: { step: string; status: PlanStatus }[];
}

const PREFIX = "failed to parse function arguments";

class ArgumentError extends Error {
  constructor(detail: string) {
    super(`${PREFIX}: ${detail}`);
    this.name = "ArgumentError";
  }
}

/** Parses the shell tool's JSON arguments; throws an Error the model can act on. */
export function parseShellArguments(json: string): ShellCallArgs {
  const args = parseObject(json);
  const command = args.command;
  if (command === undefined || command === null) throw new ArgumentError('missing field `command` (an array of strings, e.g. ["bash", "-lc", "ls"])');
  if (!Array.isArray(command) || !command.every((c) => typeof c === "string")) {
    throw new ArgumentError('`command` must be an array of strings, e.g. ["bash", "-lc", "ls"]');
  }
  if (command.length === 0 || command[0] === "") throw new ArgumentError("`command` must not be empty");
  const out: ShellCallArgs = { command: [...(command as string[])] };

  const workdir = optional(args, "workdir");
  if (workdir !== undefined) {
    if (typeof workdir !== "string") throw new ArgumentError("`workdir` must be a string");
    if (workdir !== "") out.workdir = workdir;
  }
  // `timeout` is accepted as an alias, as the reference does.
  const timeout = optional(args, "timeout_ms") ?? optional(args, "timeout");
  if (timeout !== undefined) {
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0) throw new ArgumentError("`timeout_ms` must be a non-negative number of milliseconds");
    out.timeoutMs = Math.floor(timeout);
  }
  const permissions = optional(args, "sandbox_permissions");
  if (permissions !== undefined) {
    if (permissions !== "use_default" && permissions !== "require_escalated") throw new ArgumentError('`sandbox_permissions` must be "use_default" or "require_escalated"');
    out.sandboxPermissions = permissions;
  }
  // Older models send a boolean instead of sandbox_permissions.
  const escalated = optional(args, "with_escalated_permissions");
  if (escalated !== undefined && typeof escalated !== "boolean") throw new ArgumentError("`with_escalated_permissions` must be a boolean");
  if (permissions === "require_escalated" || escalated === true) out.withEscalatedPermissions = true;
  const justification = optional(args, "justification");
  if (justification !== undefined) {
    if (typeof justification !== "string") throw new ArgumentError("`justification` must be a string");
    out.justification = justification;
  }
  return out;
}

const STATUSES = new Set<string>(["pending", "in_progress", "completed"]);

/** Parses update_plan's JSON arguments; throws an Error the model can act on. */
export function parsePlanArguments(json: string): PlanArgs {
  const args = parseObject(json);
  const plan = args.plan;
  if (plan === undefined || plan === null) throw new ArgumentError("missing field `plan`");
  if (!Array.isArray(plan)) throw new ArgumentError("`plan` must be an array of {step, status}");
  const steps = plan.map((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw new ArgumentError(`plan[${i}] must be an object with \`step\` and \`status\``);
    const { step, status } = item as Record<string, unknown>;
    if (typeof step !== "string") throw new ArgumentError(`plan[${i}].step must be a string`);
    if (typeof status !== "string" || !STATUSES.has(status)) throw new ArgumentError(`plan[${i}].status must be one of: pending, in_progress, completed`);
    return { step, status: status as PlanStatus };
  });
  const explanation = optional(args, "explanation");
  if (explanation !== undefined && typeof explanation !== "string") throw new ArgumentError("`explanation` must be a string");
  return { explanation: explanation ?? null, plan: steps };
}

function parseObject(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ArgumentError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ArgumentError("expected a JSON object");
  return value as Record<string, unknown>;
}

// A JSON null means "not given", as for the reference's optional fields.
function optional(args: Record<string, unknown>, key: string): unknown {
  const value = args[key];
  return value === null ? undefined : value;
}
