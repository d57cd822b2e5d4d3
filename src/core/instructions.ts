// Our own instruction texts: the base instructions sent with every model request, and the context
// messages a session starts with (permissions, environment).
import type { AskForApproval, SandboxMode } from "../protocol/config.js";

export const BASE_INSTRUCTIONS = `You are a coding agent running inside an IDE through the Codex app-server.
You help the user with software engineering tasks in their workspace.

- Read code before changing it; prefer small, focused changes that match the project's style.
- Use the \`shell\` tool to run commands. Pass the command as an array of arguments, e.g.
  ["bash", "-lc", "ls -la"], and set \`workdir\` when the command must run elsewhere than the
  session's working directory.
- Use \`update_plan\` to share a short plan for multi-step work and keep it current.
- When you are done, reply with a concise summary of what you did and anything left to do.`;

export function permissionsMessage(approvalPolicy: AskForApproval, sandboxMode: SandboxMode): string {
  const approval: Record<AskForApproval, string> = {
    untrusted: "Commands that are not known to be read-only need the user's approval before they run.",
    "on-failure": "Commands run without asking; the user is asked only when a command fails.",
    "on-request": "Commands run without asking unless you request escalated permissions.",
    never: "Commands run without asking; the user is never asked.",
  };
  return `<permissions instructions>
Sandbox mode: ${sandboxMode}. Approval policy: ${approvalPolicy}.
${approval[approvalPolicy]}
</permissions instructions>`;
}

export function environmentContext(cwd: string, shell: string): string {
  return `<environment_context>
  <cwd>${cwd}</cwd>
  <shell>${shell}</shell>
</environment_context>`;
}
