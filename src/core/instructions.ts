// Our own instruction texts: the base instructions sent with every model request, and the context
// messages a session starts with (permissions, environment).
import type { ResponseItem } from "../model/types.js";
import type { AskForApproval } from "../protocol/config.js";
import { isUnsandboxed, type SandboxPolicy } from "../sandbox/policy.js";

export const BASE_INSTRUCTIONS = `You are a coding agent running inside an IDE through the Codex app-server.
You help the user with software engineering tasks in their workspace.

- Read code before changing it; prefer small, focused changes that match the project's style.
- Use the \`shell\` tool to run commands. Pass the command as an array of arguments, e.g.
  ["bash", "-lc", "ls -la"], and set \`workdir\` when the command must run elsewhere than the
  session's working directory.
- Edit files with \`apply_patch\` (\`*** Begin Patch\` … \`*** End Patch\`, paths relative to the working
  directory). When no \`apply_patch\` tool is offered, send it through \`shell\` as ["apply_patch", "<patch>"].
- Use \`update_plan\` to share a short plan for multi-step work and keep it current.
- When you are done, reply with a concise summary of what you did and anything left to do.`;

/**
 * The patch format spelled out, for model families that were not trained on it (the reference
 * adds its own such text for them); only when no apply_patch tool describes it already.
 */
export const APPLY_PATCH_FORMAT_INSTRUCTIONS = `## Editing files with apply_patch

Send edits through the shell as ["apply_patch", "<patch>"]. A patch is plain text:

*** Begin Patch
*** Add File: path/to/new_file.py
+every line of the new file, each starting with +
*** Update File: path/to/existing.py
*** Move to: path/to/renamed.py        (optional: renames the file as well)
@@ def function_or_class_header        (optional: a line that locates the change)
 a context line, unchanged, starting with a space
-a line to remove, starting with -
+a line to add, starting with +
 another context line
*** Delete File: path/to/obsolete.py
*** End Patch

Rules: paths are relative to the working directory, never absolute. Give about three lines of
unchanged context above and below each change, exactly as they are in the file, and add an @@
line when the context alone could match more than one place. Write "*** End of File" after a
hunk that ends at the end of the file. The whole patch applies or nothing does: if it fails,
read the file again and send a corrected patch.`;

/** The base instructions for `model`, given the tools its requests carry. */
export function baseInstructionsFor(needsApplyPatchInstructions: boolean, toolNames: readonly string[]): string {
  return needsApplyPatchInstructions && !toolNames.includes("apply_patch") ? `${BASE_INSTRUCTIONS}\n\n${APPLY_PATCH_FORMAT_INSTRUCTIONS}` : BASE_INSTRUCTIONS;
}

/**
 * The permissions context message: the approval policy as the server applies it, and
 * `sandboxText` (sandbox/instructions.ts): what this machine actually enforces.
 */
export function permissionsMessage(approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy, sandboxText: string): string {
  const approval = isUnsandboxed(sandboxPolicy) ? UNSANDBOXED_APPROVAL[approvalPolicy] : SANDBOXED_APPROVAL[approvalPolicy];
  return `${PERMISSIONS_OPEN}
Approval policy: ${approvalPolicy}. ${approval}
${sandboxText}
</permissions instructions>`;
}

const PERMISSIONS_OPEN = "<permissions instructions>";

/** The permissions message as the developer item the model sees. */
export function permissionsItem(text: string): ResponseItem {
  return { type: "message", role: "developer", content: [{ type: "input_text", text }] };
}

/** The text of the last permissions message in `history` (what the model was last told), if any. */
export function lastPermissionsText(history: readonly ResponseItem[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (item.type !== "message" || item.role !== "developer") continue;
    const first = item.content[0];
    if (first?.type === "input_text" && first.text.startsWith(PERMISSIONS_OPEN)) return first.text;
  }
  return undefined;
}

const SANDBOXED_APPROVAL: Record<AskForApproval, string> = {
  untrusted:
    "Commands that are not known to be read-only need the user's approval before they run, inside the sandbox. When one fails in a way the sandbox may have caused, the user is asked whether to run it again without the sandbox.",
  "on-failure":
    "Commands run inside the sandbox without asking. When one fails in a way the sandbox may have caused, the user is asked whether to run it again without the sandbox.",
  "on-request":
    'Commands run inside the sandbox without asking. When a command really needs to run outside it (writing elsewhere, the network), set `sandbox_permissions` to "require_escalated" with a short `justification`: the user is asked first.',
  never: "Commands run inside the sandbox and the user is never asked; do not request escalated permissions.",
};

const UNSANDBOXED_APPROVAL: Record<AskForApproval, string> = {
  untrusted: "Commands that are not known to be read-only need the user's approval before they run.",
  "on-failure": "Commands run without asking.",
  "on-request": "Commands run without asking.",
  never: "Commands run without asking; the user is never asked.",
};

export function environmentContext(cwd: string, shell: string): string {
  return `<environment_context>
  <cwd>${cwd}</cwd>
  <shell>${shell}</shell>
</environment_context>`;
}
