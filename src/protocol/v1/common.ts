// Shapes shared by the v1 conversation methods.
import { AskForApproval, ReasoningEffort, ReasoningSummary, SandboxMode } from "../config.js";
import * as s from "../schema.js";

export const ConversationId = s.string();

export const InputItem = s.union([
  s.object({ type: s.literal("text"), data: s.object({ text: s.string() }) }),
  s.object({ type: s.literal("image"), data: s.object({ image_url: s.string() }) }),
  s.object({ type: s.literal("localImage"), data: s.object({ path: s.string() }) }),
]);
export type InputItem = s.Infer<typeof InputItem>;

export const SandboxPolicy = s.union([
  s.object({ type: s.literal("danger-full-access") }),
  s.object({ type: s.literal("read-only") }),
  s.object({
    type: s.literal("workspace-write"),
    writable_roots: s.optional(s.array(s.string())),
    network_access: s.optional(s.boolean()),
    exclude_tmpdir_env_var: s.optional(s.boolean()),
    exclude_slash_tmp: s.optional(s.boolean()),
  }),
  s.object({ type: s.literal("external-sandbox"), network_access: s.optional(s.boolean()) }),
]);
export type SandboxPolicy = s.Infer<typeof SandboxPolicy>;

export const NewConversationParams = s.object({
  model: s.optional(s.string()),
  modelProvider: s.optional(s.string()),
  profile: s.optional(s.string()),
  cwd: s.optional(s.string()),
  approvalPolicy: s.optional(AskForApproval),
  sandbox: s.optional(SandboxMode),
  config: s.optional(s.record(s.unknown())),
  baseInstructions: s.optional(s.string()),
  developerInstructions: s.optional(s.string()),
  compactPrompt: s.optional(s.string()),
  includePlanTool: s.optional(s.boolean()),
  includeApplyPatchTool: s.optional(s.boolean()),
});
export type NewConversationParams = s.Infer<typeof NewConversationParams>;

export const NewConversationResult = s.object({
  conversationId: ConversationId,
  model: s.string(),
  reasoningEffort: s.nullable(ReasoningEffort),
  rolloutPath: s.string(),
});
export type NewConversationResult = s.Infer<typeof NewConversationResult>;

export { ReasoningSummary };
