// A shell call that carries a patch (`["apply_patch", PATCH]`, `bash -lc "apply_patch <<'EOF' …"`)
// is applied as a patch rather than run: no program of that name need exist, and the patch gets
// the same approval, events and atomicity as the tool. The model is also warned, as the
// reference warns it, to use the apply_patch tool instead.
import path from "node:path";
import type { ResponseItem } from "../model/types.js";
import { patchCwd, recogniseShellPatch, useApplyPatchToolWarning, type ParsedPatch } from "../tools/apply-patch/index.js";
import { parseShellArguments } from "../tools/tool-specs.js";

export type ShellPatch =
  | { kind: "patch"; parsed: ParsedPatch; cwd: string; warning: ResponseItem }
  | { kind: "invalid"; message: string; warning: ResponseItem };

/** The patch in a shell call's arguments, or null when the call is an ordinary command (or malformed: the shell path answers that). */
export function interceptShellPatch(argumentsJson: string, turnCwd: string): ShellPatch | null {
  let command: string[];
  let workdir: string | undefined;
  try {
    ({ command, workdir } = parseShellArguments(argumentsJson));
  } catch {
    return null;
  }
  const found = recogniseShellPatch(command);
  if (found.kind === "not-apply-patch") return null;
  const warning: ResponseItem = {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: `Warning: ${useApplyPatchToolWarning("shell")}` }],
  };
  if (found.kind === "invalid") return { kind: "invalid", message: found.message, warning };
  const callCwd = workdir ? path.resolve(turnCwd, workdir) : turnCwd;
  return { kind: "patch", parsed: found.parsed, cwd: patchCwd(callCwd, found.workdir), warning };
}
